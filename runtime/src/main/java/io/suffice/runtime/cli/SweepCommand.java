package io.suffice.runtime.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RuntimeModule;
import io.suffice.runtime.run.SweepCollection;
import io.suffice.runtime.run.SweepCollection.ArmState;
import io.suffice.runtime.slurm.SlurmCommands;
import io.suffice.runtime.slurm.SlurmSweep;
import io.suffice.runtime.slurm.SlurmSweep.Submission;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code suffice sweep status|collect|resubmit RUN_FOLDER}: a sweep whose arms run on Slurm (docs/cluster.md). */
@Command(name = "sweep", mixinStandardHelpOptions = true,
        description = "Watch, collect and resubmit a sweep whose arms run as a Slurm job array (docs/cluster.md).",
        subcommands = {SweepCommand.Status.class, SweepCommand.Collect.class, SweepCommand.Resubmit.class})
final class SweepCommand implements Runnable {
    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (status, collect, resubmit)");
    }

    /** A run folder read back: its resolved config, the resolver, and its arms' states. */
    private record Folder(Path path, ExperimentConfig config, ConfigResolver resolver, List<ArmState> arms) {
        static Folder read(SufficeCli root, Path path) {
            Path folder = path.toAbsolutePath().normalize();
            if (!Files.isRegularFile(folder.resolve("config.yaml"))) {
                throw new ConfigException(path + ": not a run folder (no config.yaml)");
            }
            ConfigTree tree = ConfigTree.read(folder.resolve("config.yaml"));
            Object configured = tree.get("run.plugins");
            Path plugins = root.pluginsDir != null ? root.pluginsDir
                    : Path.of(configured != null ? configured.toString() : RunSettings.DEFAULT_PLUGINS);
            Injector injector = Guice.createInjector(new RuntimeModule(root.registry(plugins), root.stop));
            ConfigResolver resolver = injector.getInstance(ConfigResolver.class);
            ExperimentConfig config = resolver.resolve(tree, folder.getFileName().toString());
            return new Folder(folder, config, resolver, SweepCollection.read(folder, config, resolver));
        }
    }

    /** A subcommand on one run folder. */
    abstract static class OnFolder implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_FOLDER", description = "the sweep's run folder")
        Path folder;

        @CommandLine.ParentCommand
        SweepCommand sweep;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        Folder read() {
            return Folder.read(sweep.parent, folder);
        }
    }

    private static SlurmSweep slurm() {
        return new SlurmSweep(new SlurmCommands(System.getenv()));
    }

    @Command(name = "status", mixinStandardHelpOptions = true,
            description = "One line per arm: pending, running, done, failed, diverged, interrupted or missing.")
    static final class Status extends OnFolder {
        @Override
        public Integer call() {
            Folder f = read();
            slurm().statusLines(f.path(), f.arms()).forEach(spec.commandLine().getOut()::println);
            return 0;
        }
    }

    @Command(name = "collect", mixinStandardHelpOptions = true,
            description = "Write sweep.csv and the sweep figures from the arms' folders (as a local sweep does); "
                    + "exit 1 while an arm has not finished.")
    static final class Collect extends OnFolder {
        @Override
        public Integer call() {
            Folder f = read();
            RunOutcome outcome = SweepCollection.collect(f.path(), f.config(), f.arms());
            List<ArmState> unfinished = f.arms().stream().filter(a -> !a.status().equals("ok")
                    && !a.status().equals("diverged")).toList();
            spec.commandLine().getOut().println("collected " + outcome.arms().size() + " of " + f.arms().size()
                    + " arm(s) into " + f.path().resolve("sweep.csv"));
            if (!unfinished.isEmpty()) {
                spec.commandLine().getErr().println("incomplete: " + unfinished.stream().map(a -> (a.label().isEmpty()
                        ? "arm " + a.index() : a.label()) + " (" + a.status() + ")").toList()
                        + "; suffice sweep resubmit " + f.path() + " runs them again");
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "resubmit", mixinStandardHelpOptions = true,
            description = "Submit again only the arms that are missing, failed or interrupted (they resume from "
                    + "their checkpoints), plus a new collect job.")
    static final class Resubmit extends OnFolder {
        @CommandLine.Option(names = "--wait", description = "wait until the new collect job has ended; exit 0 "
                + "only if every arm succeeded")
        boolean await;

        @Override
        public Integer call() {
            Folder f = read();
            SlurmSweep slurm = slurm();
            var out = spec.commandLine().getOut();
            Submission s = slurm.resubmit(f.path(), f.config(), f.arms());
            if (s == null) {
                out.println("nothing to resubmit: every arm is done, queued or running");
                return 0;
            }
            SlurmSubmitCommand.printSubmission(s, out);
            out.flush();
            return await ? SlurmSubmitCommand.awaitAndReport(slurm, s, f.config(), f.resolver(), out,
                    spec.commandLine().getErr()) : 0;
        }
    }
}
