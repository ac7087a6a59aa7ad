package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code nesterov}: see {@link Momentum}. Parameters: its own, then the shared {@link UpdateOptions}. */
public final class NesterovProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "nesterov";
    }

    @Override
    public String description() {
        return "Nesterov momentum: v = mu v + g, w -= eta_t (g + mu v)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 0.1, "base stepsize eta > 0"),
                ParameterSpec.ofDouble("momentum", 0.9, "momentum mu in [0, 1)"));
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new Momentum(UpdateOptions.positive(c, "stepsize"), UpdateOptions.unitInterval(c, "momentum"), true,
                UpdateOptions.from(c));
    }
}
