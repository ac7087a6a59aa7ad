package io.suffice.optimizers;

import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.ServiceLoader;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

class OptimizerPluginsTest {

    @Test
    void allRulesAreDiscoverableAndCreatableFromDefaults() {
        Map<String, OptimizerProvider> byName = new TreeMap<>();
        ServiceLoader.load(OptimizerProvider.class).forEach(p -> byName.put(p.name(), p));
        assertThat(byName).containsOnlyKeys("gd", "sgd", "momentum", "nesterov", "adam", "adamw", "adaptive-gd",
                "normalized-gd");
        for (OptimizerProvider p : byName.values()) {
            assertThat(p.parameters()).extracting(ParameterSpec::name)
                    .contains("stepsize", "schedule", "warmup-steps", "final-factor", "clip-norm").doesNotHaveDuplicates();
            // every plugin describes itself (suffice plugins prints it) and names its rule's symbols
            assertThat(p.description()).as(p.name()).isNotBlank();
        }
        Map<String, Class<?>> rule = Map.of("gd", GradientDescent.class, "sgd", GradientDescent.class,
                "momentum", Momentum.class, "nesterov", Momentum.class, "adam", Adam.class, "adamw", Adam.class,
                "adaptive-gd", AdaptiveGradientDescent.class, "normalized-gd", NormalizedGradientDescent.class);
        for (OptimizerProvider p : byName.values()) {
            assertThat(p.create(TestConfigs.of(p, Map.of()))).as(p.name()).isInstanceOf(rule.get(p.name()));
        }
    }
}
