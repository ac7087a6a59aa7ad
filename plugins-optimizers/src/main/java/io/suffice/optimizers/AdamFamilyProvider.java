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
                ParameterSpec.ofDouble("stepsize", 1e-3, "base stepsize eta > 0"),
                ParameterSpec.ofDouble("beta1", 0.9, "first-moment decay in [0, 1)"),
                ParameterSpec.ofDouble("beta2", 0.999, "second-moment decay in [0, 1)"),
                ParameterSpec.ofDouble("epsilon", 1e-8, "denominator guard > 0"),
                ParameterSpec.ofDouble("weight-decay", defaultDecay, decayDescription));
    }

    @Override
    public Optimizer create(PluginConfig c) {
        double decay = c.getDouble("weight-decay");
        if (!(decay >= 0) || Double.isInfinite(decay)) {
            throw c.invalid("weight-decay", "must be a finite number >= 0");
        }
        return new Adam(UpdateOptions.positive(c, "stepsize"), UpdateOptions.unitInterval(c, "beta1"),
                UpdateOptions.unitInterval(c, "beta2"), UpdateOptions.positive(c, "epsilon"), decay, decoupled,
                UpdateOptions.from(c));
    }
}
