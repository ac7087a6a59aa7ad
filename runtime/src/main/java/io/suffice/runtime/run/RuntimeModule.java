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
    private final PluginRegistry discovered;

    /** Discovers plugins on the class path and in {@code pluginsDir} when first needed. */
    public RuntimeModule(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
        this.discovered = null;
    }

    /** Uses plugins discovered already (the CLI discovers once, before parsing, for plugin subcommands). */
    public RuntimeModule(PluginRegistry registry) {
        this.pluginsDir = null;
        this.discovered = registry;
    }

    @Provides
    @Singleton
    PluginRegistry registry() {
        return discovered != null ? discovered
                : new PluginDiscovery(RuntimeModule.class.getClassLoader()).discover(pluginsDir);
    }

    @Provides
    ConfigResolver resolver(PluginRegistry registry) {
        return new ConfigResolver(registry);
    }
}
