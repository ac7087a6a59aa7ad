package io.suffice.runtime.testplugins;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;

import java.util.List;
import java.util.Map;

/** Test task that logs one metric row and then fails like a diverging run. */
public final class FailingTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "failing";
    }

    @Override
    public String description() {
        return "test task that diverges";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public DownstreamTask create(PluginConfig config) {
        return context -> {
            context.metrics().log(0, Map.of("loss", 1.0));
            throw new IllegalStateException("diverged at step 1: loss=NaN");
        };
    }
}
