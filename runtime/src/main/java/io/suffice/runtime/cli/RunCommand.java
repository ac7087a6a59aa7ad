package io.suffice.runtime.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code suffice run CONFIG}: runs an experiment config (YAML). */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run an experiment config (YAML); writes runs/<name>-<timestamp>/.")
final class RunCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CONFIG", description = "experiment config file (YAML)")
    Path config;

    @CommandLine.Mixin
    ExperimentOptions options;

    @CommandLine.Option(names = "--arm", paramLabel = "N",
            description = "run exactly arm N of the sweep (from 0) in its sub-folder; with a run folder's "
                    + "config.yaml, in that run folder, resuming from the arm's checkpoint when there is one")
    Integer arm;

    @CommandLine.Option(names = "--wait",
            description = "with run.executor=slurm: wait until the sweep's collect job has ended; exit 0 only if "
                    + "every arm succeeded")
    boolean await;

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String name = config.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        return new ExperimentCommand(spec.commandLine(), parent)
                .run(io.suffice.runtime.config.ConfigTree.read(config), name, options, arm, config, await);
    }
}
