package io.suffice.runtime.testplugins;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;

import java.util.List;

public final class QuadraticTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "quadratic";
    }

    @Override
    public String description() {
        return "test task";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(ParameterSpec.ofInt("steps", 3, "steps"),
                ParameterSpec.ofChoice("mode", "test choice", "plain", "fancy"),
                ParameterSpec.ofDoubleList("weights", List.of(1.0), "test list"),
                ParameterSpec.ofBoolean("flag", false, "test flag"),
                ParameterSpec.ofInt("log-every", 1, "a metrics row every this many steps").atLeast(1));
    }

    @Override
    public void validate(PluginConfig config) {
        if (config.getString("mode").equals("fancy") && config.getDoubleList("weights").size() < 2) {
            throw config.invalid("weights", "fancy mode needs two weights");
        }
    }

    @Override
    public DownstreamTask create(PluginConfig config) {
        return new QuadraticTask(config.getLong("steps"), config.getLong("log-every"));
    }
}
