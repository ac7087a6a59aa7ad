package io.suffice.downstream;

import com.google.inject.Guice;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import io.suffice.runtime.reproduce.Part;
import io.suffice.runtime.reproduce.Reproduction;
import io.suffice.runtime.reproduce.Reproductions;
import io.suffice.runtime.reproduce.Scale;
import io.suffice.runtime.run.RuntimeModule;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every part of every reproduction, at both scales, names real plugins with declared parameters and values in
 * range: each sweep arm resolves against the plugins on the class path, as {@code suffice reproduce} would resolve it
 * (a typo in an embedded config would otherwise surface only when that figure runs, possibly hours in).
 */
class ReproductionConfigsTest {
    @TempDir
    Path noPlugins;

    @Test
    void everyPartOfEveryFigureResolvesAtBothScales() {
        PluginRegistry registry = new PluginDiscovery(getClass().getClassLoader()).discover(noPlugins);
        ConfigResolver resolver = Guice.createInjector(new RuntimeModule(registry)).getInstance(ConfigResolver.class);
        List<String> ids = new ArrayList<>();
        for (Reproduction r : Reproductions.all()) {
            ids.add(r.id());
            assertThat(r.claim()).endsWith(".");
            for (Scale scale : Scale.values()) {
                assertThat(r.estimatedMinutes(scale)).as(r.id()).isPositive();
                if (scale == Scale.LAPTOP) {
                    assertThat(r.estimatedMinutes(scale)).as(r.id() + " laptop budget").isLessThanOrEqualTo(30);
                }
                for (Part part : r.parts(scale)) {
                    ExperimentConfig config = resolver.resolve(part.config(), r.id() + "-" + part.name());
                    assertThat(SweepExpansion.expand(config, resolver)).as(r.id() + " " + part.name()).isNotEmpty();
                }
            }
        }
        assertThat(ids).containsExactly("clip-fig2a", "clip-fig2b", "clip-fig2c", "clip-fig2d", "clip-fig5",
                "clip-fig7", "clip-fig8", "clip-fig9", "ls-fig1", "ls-fig2", "ls-fig4", "ls-adaptive");
    }
}
