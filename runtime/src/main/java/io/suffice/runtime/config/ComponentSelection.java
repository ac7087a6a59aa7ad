package io.suffice.runtime.config;

import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;

/**
 * One config section that selects a plugin, e.g. {@code optimizer: {name: gd, stepsize: 8}}, validated against the
 * plugin's declared parameters and completed with defaults.
 *
 * @param section the config section ({@code task}, {@code dataset}, {@code optimizer}, {@code encoder})
 * @param config  plugin kind, name and every parameter's value
 */
public record ComponentSelection(String section, PluginConfig config) {
    public PluginKind kind() {
        return config.kind();
    }

    public String name() {
        return config.name();
    }
}
