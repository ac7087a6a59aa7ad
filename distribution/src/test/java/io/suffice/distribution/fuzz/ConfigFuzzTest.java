package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.CommandLineOverrides;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Experiment configs through the whole path of {@code suffice run CONFIG --set ...} up to the launch: the YAML file
 * read, the {@code --set} strings applied (with the built-in plugins' registry, as the CLI does), the resolver, and
 * the sweep expanded into its arms. An input is the YAML text, then optionally a line {@code #--set} followed by one
 * {@code --set} string per line. Bad input must be a {@link ConfigException} (exit 2) with a one-line message.
 */
class ConfigFuzzTest {
    private static final String SET_MARKER = "\n#--set\n";
    private static final PluginRegistry REGISTRY =
            new PluginDiscovery(ConfigFuzzTest.class.getClassLoader()).discover(null);

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void configAndOverrides(byte[] input) {
        String text = new String(input, StandardCharsets.UTF_8);
        int cut = text.indexOf(SET_MARKER);
        String yaml = cut < 0 ? text : text.substring(0, cut);
        List<String> sets = new ArrayList<>();
        if (cut >= 0) {
            sets.addAll(List.of(text.substring(cut + SET_MARKER.length()).split("\n")));
        }
        Path file = FuzzContract.file("fuzz.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        try {
            FuzzContract.check("config", input, () -> {
                ConfigTree tree = CommandLineOverrides.apply(ConfigTree.read(file), sets, REGISTRY, note -> { });
                ConfigResolver resolver = new ConfigResolver(REGISTRY);
                ExperimentConfig config = resolver.resolve(tree, "fuzz");
                SweepExpansion.expand(config, resolver);
            }, ConfigException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }
}
