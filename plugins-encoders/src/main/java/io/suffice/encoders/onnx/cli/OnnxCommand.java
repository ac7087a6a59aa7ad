package io.suffice.encoders.onnx.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code suffice onnx}: tools for ONNX model files. */
@Command(name = "onnx", mixinStandardHelpOptions = true, description = "Tools for ONNX model files.",
        subcommands = {OnnxInspectCommand.class})
public final class OnnxCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing subcommand (inspect)");
    }
}
