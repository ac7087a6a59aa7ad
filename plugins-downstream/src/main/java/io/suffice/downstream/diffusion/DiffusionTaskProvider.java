package io.suffice.downstream.diffusion;

import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.Range;
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
                ParameterSpec.ofDouble("sigma-max", 20.0, "largest noise scale (leaf units), above sigma-min")
                        .positive(),
                ParameterSpec.ofDouble("sigma-min", 0.05, "smallest noise scale").positive(),
                ParameterSpec.ofInt("levels", 40, "sampler steps (geometric noise levels)").atLeast(2),
                ParameterSpec.ofDouble("eta", 1.0, "0: deterministic DDIM steps; 1: ancestral sampling")
                        .in(Range.closed(0, 1)),
                ParameterSpec.ofInt("generate", 200, "images generated for fresh texts (0: skip)").nonNegative(),
                ParameterSpec.ofString("noisy-field", "image_noisy", "batch field of the noisy image leaves")));
    }

    @Override
    public void validate(PluginConfig c) {
        GenerativeParameters.validate(c);
        if (!(c.getDouble("sigma-max") > c.getDouble("sigma-min"))) {
            throw c.invalid("sigma-max", "must be above sigma-min " + c.getDouble("sigma-min"));
        }
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        GenerativeSettings model = GenerativeParameters.settings(c);
        NoiseSchedule schedule = new NoiseSchedule(c.getDouble("sigma-max"), c.getDouble("sigma-min"),
                c.getInt("levels"));
        return new DiffusionTask(new DiffusionSettings(model, schedule, c.getDouble("eta"), c.getInt("generate"),
                c.getString("noisy-field")));
    }
}
