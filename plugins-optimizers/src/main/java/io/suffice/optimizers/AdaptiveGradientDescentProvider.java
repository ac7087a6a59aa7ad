package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code adaptive-gd}: see {@link AdaptiveGradientDescent}. Parameters: its own, then the shared {@link UpdateOptions}. */
public final class AdaptiveGradientDescentProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "adaptive-gd";
    }

    @Override
    public String description() {
        return "GD with the risk-adaptive stepsize eta_t = eta / L(w_t) (ICML 2025)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 1.0, "eta in eta_t = eta / L(w_t)").positive());
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new AdaptiveGradientDescent(c.getDouble("stepsize"), UpdateOptions.from(c));
    }
}
