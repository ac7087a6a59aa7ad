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
            assertThat(p.create(TestConfigs.of(p, Map.of()))).isNotNull();
        }
        assertThat(byName.get("nesterov").create(TestConfigs.of(byName.get("nesterov"), Map.of())))
                .isInstanceOf(Momentum.class);
    }
}
