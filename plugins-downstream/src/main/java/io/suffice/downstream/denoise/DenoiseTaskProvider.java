package io.suffice.downstream.denoise;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.GenerativeParameters;

import java.util.ArrayList;
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
        List<ParameterSpec> specs = new ArrayList<>(List.of(
                ParameterSpec.ofChoice("conditioning", "frozen: the frozen CLIP text embedding; joint: the run's "
                        + "encoder trained end-to-end on the raw text; none: no text", Conditioning.labels()),
                ParameterSpec.ofInt("steps", 2000, "optimizer steps"),
                ParameterSpec.ofInt("batch", 64, "examples per step"),
                ParameterSpec.ofInt("width", 32, "denoiser width d (authors: 128)"),
                ParameterSpec.ofInt("depth", 2, "denoiser blocks (authors: 9 = 2L+1)"),
                ParameterSpec.ofInt("heads", 1, "attention heads (authors: 1)"),
                ParameterSpec.ofInt("log-every", 50, "write a metrics row every this many steps"),
                ParameterSpec.ofInt("eval-samples", 2000, "fresh samples of the final evaluation")));
        specs.addAll(GenerativeParameters.towerSpecs());
        specs.addAll(List.of(
                ParameterSpec.ofString("image-field", "image", "batch field of the clean image tokens"),
                ParameterSpec.ofString("text-field", "text", "batch field of the text tokens"),
                ParameterSpec.ofString("noisy-field", "image_noisy", "batch field of the noisy image leaves")));
        return List.copyOf(specs);
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        return new DenoiseTask(new DenoiseSettings(GenerativeParameters.settings(c), c.getString("noisy-field")));
    }
}
