package io.suffice.optimizers;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.plugin.PluginProvider;

import java.util.HashMap;
import java.util.Map;

/** A plugin config as the runtime would resolve it: declared defaults overridden by {@code values}. */
final class TestConfigs {
    private TestConfigs() {
    }

    static PluginConfig of(PluginProvider<?> provider, Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>();
        for (ParameterSpec p : provider.parameters()) {
            all.put(p.name(), p.defaultValue());
        }
        for (String k : values.keySet()) {
            if (!all.containsKey(k)) {
                throw new IllegalArgumentException("undeclared " + k);
            }
        }
        all.putAll(values);
        return new PluginConfig(PluginKind.OPTIMIZER, provider.name(), all);
    }
}
