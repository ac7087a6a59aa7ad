package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code gd}: see {@link GradientDescent}. */
public final class GradientDescentProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "gd";
    }

    @Override
    public String description() {
        return "gradient descent with a constant stepsize of any size (no clipping)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.ofDouble("stepsize", 1.0, "constant stepsize eta > 0"));
    }

    @Override
    public Optimizer create(PluginConfig config) {
        double eta = config.getDouble("stepsize");
        if (!(eta > 0) || Double.isInfinite(eta)) {
            throw config.invalid("stepsize", "must be a finite positive number");
        }
        return new GradientDescent(eta);
    }
}
