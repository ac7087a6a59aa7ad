package io.suffice.encoders.transformer;

import io.suffice.api.model.Encoder;
import io.suffice.api.plugin.EncoderProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code transformer}: see {@link TransformerEncoder}. */
public final class TransformerEncoderProvider implements EncoderProvider {
    @Override
    public String name() {
        return "transformer";
    }

    @Override
    public String description() {
        return "pre-LayerNorm transformer encoder on token sequences (token + learned positional embeddings, "
                + "attention + GELU MLP blocks, per-token readout, pooling over positions to an embedding)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("vocab", 10, "number of token values (JGHM: S = 10)").atLeast(1),
                ParameterSpec.ofInt("width", 32, "model width d (paper: 128)").atLeast(1),
                ParameterSpec.ofInt("depth", 2, "number of blocks (paper: 5 = L+1 'standard', 1 'shallow')").nonNegative(),
                ParameterSpec.ofInt("heads", 1, "attention heads, dividing width (paper: 1)").atLeast(1),
                ParameterSpec.ofInt("embedding", 10, "embedding dimension (paper: 10 = S)").atLeast(1),
                ParameterSpec.ofChoice("pooling", "pooling over positions: learned linear map (paper), mean or "
                        + "first token", TransformerEncoder.LINEAR, TransformerEncoder.MEAN, TransformerEncoder.FIRST),
                ParameterSpec.ofDouble("position-init", TransformerEncoder.DEFAULT_POSITION_INIT,
                        "standard deviation of the learned positional embedding's normal initialisation").nonNegative());
    }

    @Override
    public void validate(PluginConfig c) {
        if (c.getInt("width") % c.getInt("heads") != 0) {
            throw c.invalid("heads", "must divide width " + c.getInt("width"));
        }
    }

    @Override
    public Encoder create(PluginConfig c) {
        return new TransformerEncoder("encoder", c.getInt("vocab"), c.getInt("width"), c.getInt("depth"),
                c.getInt("heads"), c.getInt("embedding"), c.getString("pooling"), c.getDouble("position-init"));
    }
}
