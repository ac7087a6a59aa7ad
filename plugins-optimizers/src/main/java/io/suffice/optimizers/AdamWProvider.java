package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code adamw}: see {@link Adam}. Parameters: its own, then the shared {@link UpdateOptions}. */
public final class AdamWProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "adamw";
    }

    @Override
    public String description() {
        return "AdamW: Adam with decoupled weight decay w *= 1 - eta_t lambda (Loshchilov and Hutter)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 1e-3, "base stepsize eta > 0"),
                ParameterSpec.ofDouble("beta1", 0.9, "first-moment decay in [0, 1)"),
                ParameterSpec.ofDouble("beta2", 0.999, "second-moment decay in [0, 1)"),
                ParameterSpec.ofDouble("epsilon", 1e-8, "denominator guard > 0"),
                ParameterSpec.ofDouble("weight-decay", 0.01, "decoupled weight decay lambda >= 0"));
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new Adam(UpdateOptions.positive(c, "stepsize"), UpdateOptions.unitInterval(c, "beta1"),
                UpdateOptions.unitInterval(c, "beta2"), UpdateOptions.positive(c, "epsilon"), weightDecay(c), true,
                UpdateOptions.from(c));
    }

    private static double weightDecay(PluginConfig c) {
        double v = c.getDouble("weight-decay");
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw c.invalid("weight-decay", "must be a finite number >= 0");
        }
        return v;
    }
}
