package io.suffice.runtime.properties;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.run.ExperimentLauncher;
import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RuntimeModule;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Provide;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The resolved {@code config.yaml} a run folder holds is the experiment: read back as text it resolves to the same
 * settings and components (every double written so that it parses to the same bits), and run again it produces the
 * same metrics, row for row.
 */
class ConfigRoundTripProperties {
    private final Injector injector = Guice.createInjector(new RuntimeModule(Path.of("no-plugins-here")));
    private final ConfigResolver resolver = injector.getInstance(ConfigResolver.class);

    private static ConfigTree yaml(String text) {
        return ConfigTree.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "config.yaml");
    }

    private ConfigTree tree(long seed, int steps, double stepsize, List<Double> weights, boolean fancy, Path out) {
        return ConfigTree.empty().with("run.name", "rt").with("run.seed", seed).with("run.output", out.toString())
                .with("task.name", "quadratic").with("task.steps", (long) steps).with("task.weights", weights)
                .with("task.mode", fancy ? "fancy" : "plain")
                .with("optimizer.name", "test-gd").with("optimizer.stepsize", stepsize);
    }

    /** Every positive finite double, subnormals and the largest included: each must survive YAML text. */
    @Provide
    Arbitrary<Double> positiveDoubles() {
        return Arbitraries.longs().between(1, Double.doubleToLongBits(Double.MAX_VALUE)).map(Double::longBitsToDouble);
    }

    @Property(tries = 200)
    void theResolvedYamlResolvesToTheSameExperiment(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE) long seed, @ForAll @IntRange(min = 0, max = 1000) int steps,
            @ForAll("positiveDoubles") double stepsize,
            @ForAll @Size(min = 2, max = 5) List<@DoubleRange(min = -1e9, max = 1e9) @net.jqwik.api.constraints.Scale(9) Double> weights, // fancy: >= 2
            @ForAll boolean fancy) {
        ExperimentConfig c = resolver.resolve(tree(seed, steps, stepsize, weights, fancy, Path.of("runs")), "rt");
        ExperimentConfig again = resolver.resolve(yaml(c.tree().toYaml()), "another-name");
        assertThat(again.run()).isEqualTo(c.run());
        assertThat(again.components()).isEqualTo(c.components());
        assertThat(again.tree().asMap()).isEqualTo(c.tree().asMap());
    }

    @Property(tries = 4)
    void theRunFoldersConfigReRunsTheSameExperiment(
            @ForAll @LongRange(min = 0, max = 1000) long seed, @ForAll @IntRange(min = 1, max = 6) int steps,
            @ForAll @DoubleRange(min = 0.01, max = 0.9) double stepsize,
            @ForAll @Size(min = 1, max = 3) List<@DoubleRange(min = 0.1, max = 3) Double> weights) throws IOException {
        Path dir = Files.createTempDirectory("config-round-trip");
        try {
            ExperimentLauncher launcher = injector.getInstance(ExperimentLauncher.class);
            RunOutcome first = launcher.launch(resolver.resolve(
                    tree(seed, steps, stepsize, weights, false, dir.resolve("a")), "rt"), null);
            ConfigTree written = ConfigTree.read(first.folder().resolve("config.yaml"))
                    .with("run.output", dir.resolve("b").toString());
            RunOutcome second = launcher.launch(resolver.resolve(written, "other"), null);
            assertThat(first.succeeded()).isTrue();
            assertThat(second.succeeded()).isTrue();
            assertThat(trajectory(second.folder())).containsExactlyElementsOf(trajectory(first.folder()));
            assertThat(second.arms().get(0).summary()).isEqualTo(first.arms().get(0).summary());
        } finally {
            try (Stream<Path> s = Files.walk(dir)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    /** metrics.csv without its wall-clock column (steps_per_s, the last). */
    private static List<String> trajectory(Path folder) throws IOException {
        List<String> rows = new ArrayList<>();
        for (String l : Files.readAllLines(folder.resolve("metrics.csv"))) {
            rows.add(l.substring(0, l.lastIndexOf(',')));
        }
        return rows;
    }
}
