package io.suffice.optimizers;

import io.suffice.api.plugin.PluginConfig;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ScheduleTest {

    @Test
    void cosineGoesFromOneToTheFinalFactor() {
        CosineSchedule s = new CosineSchedule(0.2);
        assertThat(s.factor(0, 10)).isEqualTo(1);
        assertThat(s.factor(5, 10)).isCloseTo(0.6, within(1e-15)); // 0.2 + 0.8 * (1 + cos(pi/2)) / 2
        assertThat(s.factor(10, 10)).isCloseTo(0.2, within(1e-15));
        assertThat(new CosineSchedule(0).factor(5, 10)).isCloseTo(0.5, within(1e-15));
    }

    @Test
    void warmupRampsIntoTheInnerSchedule() {
        LinearWarmupSchedule s = new LinearWarmupSchedule(2, new CosineSchedule(0));
        assertThat(s.factor(0, 4)).isCloseTo(0.5, within(1e-15));
        assertThat(s.factor(2, 4)).isCloseTo(0.5, within(1e-15)); // cosine at half way
        assertThat(new ConstantSchedule().factor(99, 100)).isEqualTo(1);
    }

    @Test
    void sharedParametersParseAndValidate() {
        GradientDescentProvider p = new GradientDescentProvider();
        UpdateOptions o = UpdateOptions.from(TestConfigs.of(p, Map.of("schedule", "cosine", "warmup-steps", 3L,
                "final-factor", 0.1, "clip-norm", 2.0)));
        assertThat(o.schedule()).isEqualTo(new LinearWarmupSchedule(3, new CosineSchedule(0.1)));
        assertThat(o.clipNorm()).isEqualTo(2);
        assertThat(UpdateOptions.from(TestConfigs.of(p, Map.of())))
                .isEqualTo(new UpdateOptions(new ConstantSchedule(), 0));
        PluginConfig bad = TestConfigs.of(p, Map.of("final-factor", 1.5));
        assertThatThrownBy(() -> UpdateOptions.from(bad)).hasMessageContaining("final-factor");
        PluginConfig badEta = TestConfigs.of(p, Map.of("stepsize", -1.0));
        assertThatThrownBy(() -> p.create(badEta)).hasMessageContaining("optimizer 'gd' parameter stepsize");
    }
}
