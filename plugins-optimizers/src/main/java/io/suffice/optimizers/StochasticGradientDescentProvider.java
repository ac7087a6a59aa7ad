package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code sgd}: see {@link GradientDescent}. Parameters: its own, then the shared {@link UpdateOptions}. */
public final class StochasticGradientDescentProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "sgd";
    }

    @Override
    public String description() {
        return "minibatch SGD: the gd update on the minibatch gradient the task draws (set the task's batch-size)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return OptimizerParameters.withUpdateOptions(
                ParameterSpec.ofDouble("stepsize", 0.1, "base stepsize eta").positive());
    }

    @Override
    public Optimizer create(PluginConfig c) {
        return new GradientDescent(c.getDouble("stepsize"), UpdateOptions.from(c));
    }
}
