package com.example.signgd;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Registers {@link SignGd} as optimizer {@code sign-gd} (see META-INF/services). */
public final class SignGdProvider implements OptimizerProvider {
    @Override
    public String name() {
        return "sign-gd";
    }

    @Override
    public String description() {
        return "sign gradient descent, w <- w - eta * sign(g) (example third-party plugin)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.ofDouble("stepsize", 0.01, "step length per coordinate"));
    }

    @Override
    public Optimizer create(PluginConfig config) {
        double eta = config.getDouble("stepsize");
        if (!(eta > 0)) {
            throw config.invalid("stepsize", "must be positive");
        }
        return new SignGd(eta);
    }
}
