package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/**
 * The parameters and construction shared by {@code adam} and {@code adamw} (see {@link Adam}); they differ only in
 * whether the weight decay is added to the gradient (L2) or applied to the weights (decoupled), and its default.
 * Parameters: their own, then the shared {@link UpdateOptions}.
 */
abstract class AdamFamilyProvider implements OptimizerProvider {
    private final String name;
    private final String description;
    private final boolean decoupled;
    private final double defaultDecay;
    private final String decayDescription;

    AdamFamilyProvider(String name, String description, boolean decoupled, double defaultDecay,
                       String decayDescription) {
        this.name = name;
        this.description = description;
        this.decoupled = decoupled;
        this.defaultDecay = defaultDecay;
        this.decayDescription = decayDescription;
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
                ParameterSpec.ofDouble("stepsize", 1e-3, "base stepsize eta").positive(),
                ParameterSpec.ofDouble("beta1", 0.9, "first-moment decay").in(new io.suffice.api.plugin.Range(0, true, 1, false)),
                ParameterSpec.ofDouble("beta2", 0.999, "second-moment decay").in(new io.suffice.api.plugin.Range(0, true, 1, false)),
                ParameterSpec.ofDouble("epsilon", 1e-8, "denominator guard").positive(),
                ParameterSpec.ofDouble("weight-decay", defaultDecay, decayDescription).nonNegative());
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new Adam(c.getDouble("stepsize"), c.getDouble("beta1"), c.getDouble("beta2"), c.getDouble("epsilon"),
                c.getDouble("weight-decay"), decoupled, UpdateOptions.from(c));
    }
}
