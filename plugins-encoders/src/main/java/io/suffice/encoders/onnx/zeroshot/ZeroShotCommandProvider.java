package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.plugin.CommandProvider;

/** Contributes {@code suffice zero-shot} ({@link ZeroShotCommand}) to the CLI. Stateless. */
public final class ZeroShotCommandProvider implements CommandProvider {
    @Override
    public String name() {
        return "zero-shot";
    }

    @Override
    public Object command() {
        return new ZeroShotCommand();
    }
}
