package io.suffice.downstream.diffusion;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.GenerativeParameters;
import io.suffice.downstream.generative.GenerativeSettings;

import java.util.ArrayList;
import java.util.List;

/** Plugin {@code diffusion}: see {@link DiffusionTask}. */
public final class DiffusionTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "diffusion";
    }

    @Override
    public String description() {
        return "text-conditional multi-level diffusion over the image leaves (noise-level-conditioned denoiser, "
                + "DDIM/ancestral sampler), generated images judged by BP root posteriors";
    }

    @Override
    public List<ParameterSpec> parameters() {
        List<ParameterSpec> specs = new ArrayList<>(List.of(
                ParameterSpec.ofChoice("conditioning", "frozen: the frozen CLIP text embedding; joint: the run's "
                        + "encoder trained end-to-end on the raw text; none: no text", Conditioning.labels()),
                ParameterSpec.ofInt("steps", 2000, "optimizer steps"),
                ParameterSpec.ofInt("batch", 64, "examples per step"),
                ParameterSpec.ofInt("width", 32, "denoiser width d"),
                ParameterSpec.ofInt("depth", 2, "denoiser blocks"),
                ParameterSpec.ofInt("heads", 1, "attention heads"),
                ParameterSpec.ofInt("log-every", 50, "write a metrics row every this many steps"),
                ParameterSpec.ofDouble("sigma-max", 20.0, "largest noise scale (leaf units)"),
                ParameterSpec.ofDouble("sigma-min", 0.05, "smallest noise scale"),
                ParameterSpec.ofInt("levels", 40, "sampler steps (geometric noise levels)"),
                ParameterSpec.ofDouble("eta", 1.0, "0: deterministic DDIM steps; 1: ancestral sampling"),
                ParameterSpec.ofInt("eval-samples", 2000, "fresh samples of the denoising evaluation at the data's "
                        + "sigma"),
                ParameterSpec.ofInt("generate", 200, "images generated for fresh texts (0: skip)")));
        specs.addAll(GenerativeParameters.towerSpecs());
        specs.addAll(List.of(
                ParameterSpec.ofString("image-field", "image", "batch field of the clean image tokens"),
                ParameterSpec.ofString("text-field", "text", "batch field of the text tokens"),
                ParameterSpec.ofString("noisy-field", "image_noisy", "batch field of the noisy image leaves")));
        return List.copyOf(specs);
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        GenerativeSettings model = GenerativeParameters.settings(c);
        if (c.getLong("generate") < 0) {
            throw c.invalid("generate", "must be >= 0");
        }
        NoiseSchedule schedule;
        try {
            schedule = new NoiseSchedule(c.getDouble("sigma-max"), c.getDouble("sigma-min"), c.getInt("levels"));
        } catch (IllegalArgumentException e) {
            throw c.invalid("levels", e.getMessage());
        }
        double eta = c.getDouble("eta");
        if (!(eta >= 0 && eta <= 1)) {
            throw c.invalid("eta", "must be in [0, 1]");
        }
        return new DiffusionTask(new DiffusionSettings(model, schedule, eta, c.getInt("generate"),
                c.getString("noisy-field")));
    }
}
