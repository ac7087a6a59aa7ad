package io.suffice.runtime.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;

import java.nio.file.Path;

/**
 * The runtime's services: the plugin registry (class path plus a plugins folder, discovered once) and what is built
 * on it. Experiments are child injectors of an injector made from this module.
 */
public final class RuntimeModule extends AbstractModule {
    private final Path pluginsDir;

    public RuntimeModule(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
    }

    @Provides
    @Singleton
    PluginRegistry registry() {
        return new PluginDiscovery(RuntimeModule.class.getClassLoader()).discover(pluginsDir);
    }

    @Provides
    ConfigResolver resolver(PluginRegistry registry) {
        return new ConfigResolver(registry);
    }
}
