package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code gd}: see {@link GradientDescent}. Parameters: its own, then the shared {@link UpdateOptions}. */
public final class GradientDescentProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "gd";
    }

    @Override
    public String description() {
        return "gradient descent w -= eta_t g with a constant (or scheduled) stepsize of any size";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 1.0, "base stepsize eta (any size: no hidden rescaling)").positive());
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new GradientDescent(c.getDouble("stepsize"), UpdateOptions.from(c));
    }
}
