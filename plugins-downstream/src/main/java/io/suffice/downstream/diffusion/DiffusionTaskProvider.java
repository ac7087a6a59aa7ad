package io.suffice.downstream.diffusion;

import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.generative.GenerativeParameters;
import io.suffice.downstream.generative.GenerativeSettings;

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
        return GenerativeParameters.specs(Modality.TEXT, "denoiser", null, List.of(
                ParameterSpec.ofDouble("sigma-max", 20.0, "largest noise scale (leaf units)"),
                ParameterSpec.ofDouble("sigma-min", 0.05, "smallest noise scale"),
                ParameterSpec.ofInt("levels", 40, "sampler steps (geometric noise levels)"),
                ParameterSpec.ofDouble("eta", 1.0, "0: deterministic DDIM steps; 1: ancestral sampling"),
                ParameterSpec.ofInt("generate", 200, "images generated for fresh texts (0: skip)"),
                ParameterSpec.ofString("noisy-field", "image_noisy", "batch field of the noisy image leaves")));
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
