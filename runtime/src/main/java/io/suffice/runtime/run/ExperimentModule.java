package io.suffice.runtime.run;

import com.google.inject.AbstractModule;
import com.google.inject.Provides;
import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.plugin.PluginRegistry;

/**
 * One experiment as a Guice module: binds its config and provides each component by creating the plugin its config
 * section names. The providers are unscoped, so every injection creates a fresh instance.
 * <p>
 * To swap a component in code rather than in the config, override a binding:
 * {@code Modules.override(new ExperimentModule(config)).with(b -> b.bind(Optimizer.class).toInstance(mine))}.
 */
public final class ExperimentModule extends AbstractModule {
    private final ExperimentConfig config;

    public ExperimentModule(ExperimentConfig config) {
        this.config = config;
    }

    @Override
    protected void configure() {
        bind(ExperimentConfig.class).toInstance(config);
        bind(RunSettings.class).toInstance(config.run());
    }

    @Provides
    DownstreamTask task(PluginRegistry registry) {
        return create(registry, "task", DownstreamTask.class);
    }

    @Provides
    Dataset dataset(PluginRegistry registry) {
        return create(registry, "dataset", Dataset.class);
    }

    @Provides
    Optimizer optimizer(PluginRegistry registry) {
        return create(registry, "optimizer", Optimizer.class);
    }

    @Provides
    Encoder encoder(PluginRegistry registry) {
        return create(registry, "encoder", Encoder.class);
    }

    /** The optional {@code text-encoder} section (a second tower architecture); empty without one. */
    @Provides
    @com.google.inject.name.Named(TEXT_ENCODER)
    java.util.Optional<Encoder> textEncoder(PluginRegistry registry) {
        return config.component(TEXT_ENCODER).isEmpty() ? java.util.Optional.empty()
                : java.util.Optional.of(create(registry, TEXT_ENCODER, Encoder.class));
    }

    /** Section name of the optional second (text) tower. */
    static final String TEXT_ENCODER = "text-encoder";

    private <T> T create(PluginRegistry registry, String section, Class<T> type) {
        PluginConfig pc = config.component(section).orElseThrow(() -> new IllegalStateException(
                "the task needs a " + section + " but the config has no '" + section + "' section")).config();
        Object created = registry.require(pc.kind(), pc.name(), section + ".name").provider().create(pc);
        return type.cast(created);
    }
}
