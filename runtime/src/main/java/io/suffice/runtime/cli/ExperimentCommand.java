package io.suffice.runtime.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.config.CommandLineOverrides;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.run.ExperimentLauncher;
import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import io.suffice.runtime.run.RuntimeModule;
import io.suffice.runtime.train.ResumeSource;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Shared body of {@code run} and {@code demo}: apply overrides, resolve, launch, print the outcome. */
final class ExperimentCommand {
    /** Sweeps up to this many arms print as a table; larger ones one line per arm (see sweep.csv). */
    private static final int MAX_TABLE_ARMS = 12;

    private final CommandLine cli;
    private final SufficeCli root;

    ExperimentCommand(CommandLine cli, SufficeCli root) {
        this.cli = cli;
        this.root = root;
    }

    int run(ConfigTree tree, String defaultName, ExperimentOptions options) {
        return run(tree, defaultName, options, null, null, false);
    }

    /**
     * @param arm        with a value: run exactly this arm ({@code --arm N}), whatever {@code run.executor} says
     * @param configFile the config file read into {@code tree}, or null; an arm whose config lies in a run folder
     *                   (next to {@code arms.json}) runs in that folder
     * @param wait       with {@code run.executor: slurm}: wait for the collect job and report the arms
     */
    int run(ConfigTree tree, String defaultName, ExperimentOptions options, Integer arm, Path configFile,
            boolean wait) {
        ConfigTree plain = tree;
        for (String o : options.overrides) {
            plain = plain.withOverride(o); // only to learn run.plugins before the plugins are known
        }
        Object configured = plain.get("run.plugins");
        Path pluginsDir = root.pluginsDir != null ? root.pluginsDir
                : Path.of(configured != null ? configured.toString() : RunSettings.DEFAULT_PLUGINS);
        var registry = root.registry(pluginsDir);
        tree = CommandLineOverrides.apply(tree, options.overrides, registry, cli.getErr()::println);
        if (options.output != null) {
            tree = tree.with("run.output", options.output);
        }
        tree = tree.with("run.plugins", pluginsDir.toString());
        RuntimeModule module = new RuntimeModule(registry, root.stop);
        if (arm != null) {
            module.withIntraOpThreads(SlurmArm.cpus(System.getenv()));
        }
        Injector injector = Guice.createInjector(module);
        ExperimentConfig config = injector.getInstance(ConfigResolver.class).resolve(tree, defaultName);
        ExperimentLauncher launcher = injector.getInstance(ExperimentLauncher.class);
        RunOutcome outcome;
        if (arm != null) {
            Path folder = SlurmArm.runFolderOf(configFile);
            if (folder == null) {
                folder = launcher.createRunFolder(config);
            }
            outcome = launcher.launchArm(config, folder, arm, System.console() != null ? System.err : null);
        } else if (config.run().onSlurm()) {
            return new SlurmSubmitCommand(cli.getOut(), cli.getErr()).submit(injector, config, wait);
        } else {
            outcome = launcher.launch(config, System.console() != null ? System.err : null);
        }
        print(outcome, cli.getOut());
        if (outcome.interrupted() != null) {
            cli.getErr().println(interrupted(outcome, arm,
                    SweepExpansion.expand(config, injector.getInstance(ConfigResolver.class)).size()));
            printUnwrittenSummaries(outcome);
            return outcome.interrupted().exitStatus();
        }
        if (!outcome.succeeded()) {
            outcome.arms().stream().filter(a -> a.error() != null).forEach(a ->
                    cli.getErr().println("failed: " + name(a) + ": " + a.error()));
            printUnwrittenSummaries(outcome);
            return 1;
        }
        return 0;
    }

    private static String name(ArmOutcome arm) {
        return arm.label().isEmpty() ? "run" : arm.label();
    }

    /** Where the run folder could not take summary.json (a full or read-only disk), the record goes to stderr. */
    private void printUnwrittenSummaries(RunOutcome outcome) {
        outcome.arms().stream().filter(a -> a.unwrittenSummary() != null)
                .forEach(a -> cli.getErr().println(name(a) + ": " + a.unwrittenSummary()));
    }

    /**
     * The one line for a run stopped by SIGTERM/SIGINT: the signal, the checkpoint it left (step and file) and how to
     * continue, or that there is nothing to resume ({@code run.resume} of a sweep needs a checkpoint for every arm).
     */
    private static String interrupted(RunOutcome outcome, Integer arm, int arms) {
        String signal = "interrupted by SIG" + outcome.interrupted().name();
        Path folder = outcome.folder();
        if (arm != null) {
            // the arm's own folder holds its checkpoint: running the arm again continues from it
            String at = outcome.arms().isEmpty() ? "" : checkpoint(outcome.arms().get(0).folder());
            return signal + at + "; arm " + arm + " continues from " + (at.isEmpty() ? "its start" : "it")
                    + " when requeued, or with: suffice sweep resubmit " + folder;
        }
        String resume = "suffice run " + folder.resolve("config.yaml") + " --set run.resume=" + folder;
        String again = "start it again with: suffice run " + folder.resolve("config.yaml");
        if (outcome.arms().size() == 1 && outcome.arms().get(0).label().isEmpty()) {
            String at = checkpoint(outcome.arms().get(0).folder());
            if (!at.isEmpty()) {
                return signal + at + "; resume with: " + resume;
            }
        } else {
            long held = outcome.arms().stream().filter(a -> !checkpoint(a.folder()).isEmpty()).count();
            if (held == arms) {
                return signal + "; each arm's checkpoint is in its sub-folder of " + folder + "; resume with: "
                        + resume;
            }
            if (held > 0) {
                return signal + "; " + held + " of " + arms + " arms hold a checkpoint in their sub-folders of "
                        + folder + ", and run.resume needs one for every arm: " + again;
            }
        }
        return signal + " before any checkpoint was written; nothing to resume, " + again;
    }

    /** {@code " at step N; checkpoint FILE"} for the checkpoint in {@code folder}, or "" when it holds none. */
    private static String checkpoint(Path folder) {
        Path file = folder.resolve(ResumeSource.FILE);
        if (!Files.exists(file)) {
            return "";
        }
        try {
            return " at step " + Checkpoints.metadata(file).get("step") + "; checkpoint " + file;
        } catch (Checkpoints.CheckpointException e) {
            return "; checkpoint " + file + " (unreadable: " + e.getMessage() + ")";
        }
    }

    private static void print(RunOutcome outcome, PrintWriter out) {
        out.println("run folder: " + outcome.folder());
        if (outcome.arms().size() > 1 && outcome.arms().size() <= MAX_TABLE_ARMS) {
            printTable(outcome, out);
            return;
        }
        for (ArmOutcome arm : outcome.arms()) {
            StringBuilder sb = new StringBuilder();
            arm.values().forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
            if (arm.error() != null) {
                // an interrupted arm's message says so itself ("interrupted by SIGTERM at step ...")
                sb.append(wasInterrupted(arm) ? "" : "FAILED: ").append(arm.error());
            } else {
                arm.summary().forEach((k, v) -> sb.append(k).append('=').append(number(v)).append(' '));
            }
            out.println(sb.toString().trim());
        }
    }

    /** A sweep as a table with one column per arm and one row per swept key and summary figure. */
    private static void printTable(RunOutcome outcome, PrintWriter out) {
        List<String> rows = new ArrayList<>(outcome.arms().get(0).values().keySet());
        int keys = rows.size();
        Set<String> figures = new LinkedHashSet<>();
        outcome.arms().forEach(a -> figures.addAll(a.summary().keySet()));
        rows.add("status");
        rows.addAll(figures);
        List<List<String>> columns = new ArrayList<>();
        for (ArmOutcome arm : outcome.arms()) {
            List<String> cells = new ArrayList<>();
            arm.values().values().forEach(v -> cells.add(String.valueOf(v)));
            cells.add(arm.error() == null ? "ok" : wasInterrupted(arm) ? arm.status() : "FAILED");
            for (String f : figures) {
                Double v = arm.summary().get(f);
                cells.add(v == null ? "" : number(v));
            }
            columns.add(cells);
        }
        int first = rows.stream().mapToInt(String::length).max().orElse(0);
        int width = columns.stream().flatMap(List::stream).mapToInt(String::length).max().orElse(0);
        for (int r = 0; r < rows.size(); r++) {
            StringBuilder sb = new StringBuilder(String.format("%-" + first + "s", rows.get(r)));
            for (List<String> c : columns) {
                sb.append("  ").append(String.format("%" + width + "s", c.get(r)));
            }
            out.println(sb.toString().stripTrailing());
            if (r == keys - 1) {
                out.println("-".repeat(sb.length()));
            }
        }
        outcome.arms().stream().filter(a -> a.error() != null)
                .forEach(a -> out.println(a.label() + ": " + (wasInterrupted(a) ? "" : "FAILED: ") + a.error()));
    }

    private static boolean wasInterrupted(ArmOutcome arm) {
        return "interrupted".equals(arm.status());
    }

    /** Counts (steps, sizes) as integers, everything else to four significant digits. */
    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v)
                : String.format(Locale.ROOT, "%.4g", v);
    }
}
