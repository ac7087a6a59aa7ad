package io.suffice.data.jghm.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code suffice jghm}: the JGHM's commands ({@code bayes}, {@code sample}, {@code save-model}). Without a
 * subcommand it is a usage error (exit code 2).
 */
@Command(name = "jghm", mixinStandardHelpOptions = true,
        description = "Joint generative hierarchical model: exact Bayes risks, samples, model files.",
        subcommands = {JghmBayesCommand.class, JghmSampleCommand.class, JghmSaveModelCommand.class})
public final class JghmCommand implements Runnable {
    @Spec
    CommandSpec spec;

    /** Standalone entry point (the same command the {@code suffice} CLI mounts): {@code java ... JghmCommand bayes}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new JghmCommand()).execute(args));
    }

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(),
                "Missing required subcommand (bayes, sample, save-model)");
    }
}
