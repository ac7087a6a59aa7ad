package io.suffice.downstream.caption;

import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.generative.GenerativeParameters;

import java.util.List;

/** Plugin {@code vlm}: see {@link VlmTask}. */
public final class VlmTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "vlm";
    }

    @Override
    public String description() {
        return "vision-language model: a causal transformer predicting text leaves from earlier ones and the frozen "
                + "CLIP image embedding (or a jointly trained image encoder, or nothing), beside the BP next-token "
                + "Bayes value and its text-only value; greedy and sampled captions";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return GenerativeParameters.specs(Modality.IMAGE, "model", 256, List.of(
                ParameterSpec.ofInt("captions", 8, "images whose captions are written to captions.txt")
                        .nonNegative(),
                ParameterSpec.ofInt("caption-eval", 200, "images of the caption root-agreement measure (0: skip)")
                        .nonNegative(),
                ParameterSpec.ofDouble("temperature", 1.0, "softmax temperature of sampled captions").positive()));
    }

    @Override
    public void validate(PluginConfig c) {
        GenerativeParameters.validate(c);
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        return new VlmTask(new VlmSettings(GenerativeParameters.settings(c), c.getInt("captions"),
                c.getInt("caption-eval"), c.getDouble("temperature")));
    }
}
