package io.suffice.data;

import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code gaussian}: see {@link SeparableGaussians}. */
public final class SeparableGaussiansProvider implements DatasetProvider {
    @Override
    public String name() {
        return "gaussian";
    }

    @Override
    public String description() {
        return "linearly separable two-class Gaussian data, scaled to ||x|| <= 1";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("n", 200, "number of points").atLeast(2),
                ParameterSpec.ofInt("dim", 10, "input dimension d").atLeast(1),
                ParameterSpec.ofDouble("separation", 1.0, "class mean distance from 0 along e_1 (before scaling)"),
                ParameterSpec.ofDouble("sigma", 1.0, "noise standard deviation (before scaling)").nonNegative(),
                ParameterSpec.ofInt("seed", 0, "seed of the draw"));
    }

    @Override
    public Dataset create(PluginConfig c) {
        return new SeparableGaussians(c.getInt("n"), c.getInt("dim"), c.getDouble("separation"),
                c.getDouble("sigma"), c.getLong("seed"));
    }
}
