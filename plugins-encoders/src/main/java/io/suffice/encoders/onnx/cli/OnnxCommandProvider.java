package io.suffice.encoders.onnx.cli;

import io.suffice.api.plugin.CommandProvider;

/** Contributes {@code suffice onnx} ({@link OnnxCommand}) to the CLI. Stateless. */
public final class OnnxCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "onnx";
    }

    @Override
    public Object command() {
        return new OnnxCommand();
    }
}
