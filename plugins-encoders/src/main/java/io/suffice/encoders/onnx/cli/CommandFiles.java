package io.suffice.encoders.onnx.cli;

import picocli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks the files named on a command line before any work starts, so a mistyped path is a usage error (exit 2, one
 * line naming the option and the path) rather than a failure deep inside a run. Stateless.
 */
public final class CommandFiles {
    private CommandFiles() {
    }

    /** @throws CommandLine.ParameterException when {@code file} (given for {@code option}) is not a readable file */
    public static Path requireFile(CommandLine.Model.CommandSpec spec, String option, Path file) {
        if (file != null && !Files.isRegularFile(file)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": "
                    + (Files.isDirectory(file) ? file + " is a folder, not a file" : "no such file " + file));
        }
        return file;
    }

    /** @throws CommandLine.ParameterException when {@code dir} (given for {@code option}) is not a folder */
    public static Path requireDirectory(CommandLine.Model.CommandSpec spec, String option, Path dir) {
        if (dir != null && !Files.isDirectory(dir)) {
            throw new CommandLine.ParameterException(spec.commandLine(), option + ": "
                    + (Files.exists(dir) ? dir + " is a file, not a folder" : "no such folder " + dir));
        }
        return dir;
    }
}
