package io.suffice.runtime.plugin;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.plugin.PluginProvider;

import java.util.List;

/**
 * A discovered plugin.
 *
 * @param kind     its kind
 * @param provider the provider instance (stateless, shared)
 * @param source   where it came from: a JAR or class folder path
 */
public record PluginDescriptor(PluginKind kind, PluginProvider<?> provider, String source) {

    public String name() {
        return provider.name();
    }

    public String description() {
        return provider.description();
    }

    public List<ParameterSpec> parameters() {
        return provider.parameters();
    }
}
