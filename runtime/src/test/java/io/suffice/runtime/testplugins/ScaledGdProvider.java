package io.suffice.runtime.testplugins;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Test optimizer {@code test-gd}: w -= stepsize * g (float64 only). */
public final class ScaledGdProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "test-gd";
    }

    @Override
    public String description() {
        return "test gradient descent";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.ofDouble("stepsize", 0.5, "stepsize").positive());
    }

    @Override
    public Optimizer create(PluginConfig config) {
        double eta = config.getDouble("stepsize");
        return (params, grads, info) -> {
            for (int i = 0; i < params.size(); i++) {
                var p = params.get(i).doubles();
                var g = grads.get(i).doubles();
                for (int j = 0; j < p.limit(); j++) {
                    p.put(j, p.get(j) - eta * g.get(j));
                }
            }
        };
    }
}
