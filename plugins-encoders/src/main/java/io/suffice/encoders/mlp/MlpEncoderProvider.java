package io.suffice.encoders.mlp;

import io.suffice.api.model.Encoder;
import io.suffice.api.plugin.EncoderProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code mlp}: see {@link MlpEncoder}. */
public final class MlpEncoderProvider implements EncoderProvider {
    @Override
    public String name() {
        return "mlp";
    }

    @Override
    public String description() {
        return "GELU multilayer perceptron on vectors (token sequences one-hot encoded and flattened, or a bag of words)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofIntList("hidden", List.of(128L), "hidden widths"),
                ParameterSpec.ofInt("embedding", 10, "output dimension").atLeast(1),
                ParameterSpec.ofInt("vocab", 10, "token values of int64 inputs").atLeast(1),
                ParameterSpec.ofChoice("tokens", "how int64 token inputs become vectors: one-hot (flattened) or "
                        + "bag-of-words (mean of learned token embeddings, padding left out); float inputs are used "
                        + "as they are", MlpEncoder.ONE_HOT, MlpEncoder.BAG_OF_WORDS),
                ParameterSpec.ofInt("token-embedding", 32, "width of the bag-of-words token embedding").atLeast(1),
                ParameterSpec.ofInt("pad", 0, "padding token id left out of the bag of words").nonNegative());
    }

    @Override
    public void validate(PluginConfig c) {
        if (c.getLongList("hidden").stream().anyMatch(w -> w < 1)) {
            throw c.invalid("hidden", "widths must be at least 1");
        }
        if (c.getString("tokens").equals(MlpEncoder.BAG_OF_WORDS) && c.getLong("pad") >= c.getLong("vocab")) {
            throw c.invalid("pad", "the padding token must be a token value below vocab = " + c.getLong("vocab"));
        }
    }

    @Override
    public Encoder create(PluginConfig c) {
        return new MlpEncoder("encoder", c.getLongList("hidden"), c.getInt("embedding"), c.getInt("vocab"),
                c.getString("tokens"), c.getInt("token-embedding"), c.getLong("pad"));
    }
}
