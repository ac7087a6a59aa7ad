package io.suffice.downstream;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;

import java.util.List;

/** Plugin {@code logistic-regression}: see {@link LogisticRegression}. */
public final class LogisticRegressionProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "logistic-regression";
    }

    @Override
    public String description() {
        return "linear binary classifier on the logistic loss, trained by the run's optimizer (full batch)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("steps", 1000, "number of optimizer steps").atLeast(1),
                ParameterSpec.ofInt("log-every", 10, "write metrics every this many steps").atLeast(1),
                ParameterSpec.ofDouble("target-risk", 1e-3, "risk whose first-reaching step is reported"));
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        return new LogisticRegression(c.getLong("steps"), c.getLong("log-every"), c.getDouble("target-risk"));
    }
}
