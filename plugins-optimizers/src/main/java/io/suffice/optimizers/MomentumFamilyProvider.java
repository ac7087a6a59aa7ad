package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/**
 * The parameters and construction shared by {@code momentum} (heavy ball) and {@code nesterov} (see
 * {@link Momentum}), which differ only in the look-ahead. Parameters: their own, then the shared
 * {@link UpdateOptions}.
 */
abstract class MomentumFamilyProvider implements OptimizerProvider {
    private final String name;
    private final String description;
    private final boolean nesterov;

    MomentumFamilyProvider(String name, String description, boolean nesterov) {
        this.name = name;
        this.description = description;
        this.nesterov = nesterov;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 0.1, "base stepsize eta").positive(),
                ParameterSpec.ofDouble("momentum", 0.9, "momentum mu").in(new io.suffice.api.plugin.Range(0, true, 1, false)));
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new Momentum(c.getDouble("stepsize"), c.getDouble("momentum"),
                nesterov, UpdateOptions.from(c));
    }
}
