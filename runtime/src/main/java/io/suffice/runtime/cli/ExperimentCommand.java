package io.suffice.runtime.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.run.ExperimentLauncher;
import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import io.suffice.runtime.run.RuntimeModule;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/** Shared body of {@code run} and {@code demo}: apply overrides, resolve, launch, print the outcome. */
final class ExperimentCommand {
    private final CommandLine cli;
    private final SufficeCli root;

    ExperimentCommand(CommandLine cli, SufficeCli root) {
        this.cli = cli;
        this.root = root;
    }

    int run(ConfigTree tree, String defaultName, ExperimentOptions options) {
        for (String o : options.overrides) {
            tree = tree.withOverride(o);
        }
        if (options.output != null) {
            tree = tree.with("run.output", options.output);
        }
        Object configured = tree.get("run.plugins");
        Path pluginsDir = root.pluginsDir != null ? root.pluginsDir
                : Path.of(configured != null ? configured.toString() : RunSettings.DEFAULT_PLUGINS);
        tree = tree.with("run.plugins", pluginsDir.toString());
        Injector injector = Guice.createInjector(new RuntimeModule(root.registry(pluginsDir)));
        ExperimentConfig config = injector.getInstance(ConfigResolver.class).resolve(tree, defaultName);
        RunOutcome outcome = injector.getInstance(ExperimentLauncher.class)
                .launch(config, System.console() != null ? System.err : null);
        print(outcome, cli.getOut());
        if (!outcome.succeeded()) {
            outcome.arms().stream().filter(a -> a.error() != null).forEach(a ->
                    cli.getErr().println("failed: " + (a.label().isEmpty() ? "run" : a.label()) + ": " + a.error()));
            return 1;
        }
        return 0;
    }

    private static void print(RunOutcome outcome, PrintWriter out) {
        out.println("run folder: " + outcome.folder());
        for (ArmOutcome arm : outcome.arms()) {
            StringBuilder sb = new StringBuilder();
            if (!arm.values().isEmpty()) {
                arm.values().forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
            }
            if (arm.error() != null) {
                sb.append("FAILED: ").append(arm.error());
            } else {
                for (Map.Entry<String, Double> e : arm.summary().entrySet()) {
                    sb.append(e.getKey()).append('=').append(String.format(Locale.ROOT, "%.4g", e.getValue()))
                            .append(' ');
                }
            }
            out.println(sb.toString().trim());
        }
    }
}
