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
                ParameterSpec.ofInt("vocab", 10, "number of token values (JGHM: S = 10)"),
                ParameterSpec.ofInt("width", 32, "model width d (paper: 128)"),
                ParameterSpec.ofInt("depth", 2, "number of blocks (paper: 5 = L+1 'standard', 1 'shallow')"),
                ParameterSpec.ofInt("heads", 1, "attention heads, dividing width (paper: 1)"),
                ParameterSpec.ofInt("embedding", 10, "embedding dimension (paper: 10 = S)"),
                ParameterSpec.ofChoice("pooling", "pooling over positions: learned linear map (paper), mean or "
                        + "first token", TransformerEncoder.LINEAR, TransformerEncoder.MEAN, TransformerEncoder.FIRST),
                ParameterSpec.ofDouble("position-init", TransformerEncoder.DEFAULT_POSITION_INIT,
                        "standard deviation of the learned positional embedding's normal initialisation"));
    }

    @Override
    public Encoder create(PluginConfig c) {
        for (String k : List.of("vocab", "width", "heads", "embedding")) {
            if (c.getInt(k) < 1) {
                throw c.invalid(k, "must be at least 1");
            }
        }
        if (c.getInt("depth") < 0) {
            throw c.invalid("depth", "must be >= 0");
        }
        if (c.getInt("width") % c.getInt("heads") != 0) {
            throw c.invalid("heads", "must divide width " + c.getInt("width"));
        }
        double positionInit = c.getDouble("position-init");
        if (!(positionInit >= 0) || Double.isInfinite(positionInit)) {
            throw c.invalid("position-init", "must be a finite standard deviation >= 0");
        }
        return new TransformerEncoder("encoder", c.getInt("vocab"), c.getInt("width"), c.getInt("depth"),
                c.getInt("heads"), c.getInt("embedding"), c.getString("pooling"), positionInit);
    }
}
