package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code normalized-gd}: see {@link NormalizedGradientDescent}. Parameters: its own, then the shared {@link UpdateOptions}. */
public final class NormalizedGradientDescentProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "normalized-gd";
    }

    @Override
    public String description() {
        return "normalized GD: w -= eta_t g / ||g|| (global norm)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 0.1, "step length eta").positive());
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new NormalizedGradientDescent(c.getDouble("stepsize"), UpdateOptions.from(c));
    }
}
