package io.suffice.downstream.denoise;

import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.generative.GenerativeParameters;

import java.util.List;

/** Plugin {@code denoise}: see {@link DenoiseTask}. */
public final class DenoiseTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "denoise";
    }

    @Override
    public String description() {
        return "conditional denoiser of the noisy image leaves given the frozen CLIP text embedding (or a jointly "
                + "trained text encoder, or nothing), beside the BP posterior mean and its no-text value";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return GenerativeParameters.specs(Modality.TEXT, "denoiser", 128, List.of(
                ParameterSpec.ofString("noisy-field", "image_noisy", "batch field of the noisy image leaves")));
    }

    @Override
    public void validate(PluginConfig c) {
        GenerativeParameters.validate(c);
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        return new DenoiseTask(new DenoiseSettings(GenerativeParameters.settings(c), c.getString("noisy-field")));
    }
}
