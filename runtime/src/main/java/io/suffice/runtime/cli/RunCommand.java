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

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        String name = config.getFileName().toString().replaceFirst("\\.(ya?ml)$", "");
        return new ExperimentCommand(spec.commandLine(), parent)
                .run(io.suffice.runtime.config.ConfigTree.read(config), name, options);
    }
}
