package io.suffice.encoders.onnx.cli;

import io.suffice.api.plugin.CommandProvider;

/** Contributes {@code suffice embed} ({@link EmbedCommand}) to the CLI. Stateless. */
public final class EmbedCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "embed";
    }

    @Override
    public Object command() {
        return new EmbedCommand();
    }
}
