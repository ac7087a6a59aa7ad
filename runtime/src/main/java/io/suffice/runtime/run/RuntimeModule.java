package io.suffice.runtime.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import com.google.inject.Singleton;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import io.suffice.runtime.train.StopSignal;

import java.nio.file.Path;

/**
 * The runtime's services: the plugin registry (class path plus a plugins folder, discovered once) and what is built
 * on it. Experiments are child injectors of an injector made from this module.
 */
public final class RuntimeModule extends AbstractModule {
    private final Path pluginsDir;
    private final PluginRegistry discovered;
    private final StopSignal stop;
    /** How experiments' executors run graphs (the device comes from each config's {@code run.device}). */
    private ExecutionConfig execution = ExecutionConfig.defaults();

    /** Discovers plugins on the class path and in {@code pluginsDir} when first needed. */
    public RuntimeModule(Path pluginsDir) {
        this.pluginsDir = pluginsDir;
        this.discovered = null;
        this.stop = StopSignal.none();
    }

    /** Uses plugins discovered already (the CLI discovers once, before parsing, for plugin subcommands). */
    public RuntimeModule(PluginRegistry registry) {
        this(registry, StopSignal.none());
    }

    /**
     * Uses plugins discovered already and the process's stop signal (the CLI installs SIGTERM/SIGINT handling; see
     * {@link StopSignal}).
     */
    public RuntimeModule(PluginRegistry registry, StopSignal stop) {
        this.pluginsDir = null;
        this.discovered = registry;
        this.stop = stop;
    }

    /**
     * The same module with {@code intraOpThreads} ONNX Runtime threads per operator instead of the default (a Slurm
     * arm uses the CPUs it was granted, {@code SLURM_CPUS_PER_TASK}).
     */
    public RuntimeModule withIntraOpThreads(int intraOpThreads) {
        execution = execution.withThreads(intraOpThreads);
        return this;
    }

    /** The same module with ONNX Runtime's profiler writing into {@code dir} ({@code suffice bench --profile}). */
    public RuntimeModule withProfiling(Path dir) {
        execution = execution.withProfiling(dir);
        return this;
    }

    @Override
    protected void configure() {
        bind(StopSignal.class).toInstance(stop);
        bind(ExecutionConfig.class).toInstance(execution);
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
