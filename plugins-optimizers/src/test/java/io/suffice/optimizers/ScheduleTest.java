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
        // ranges are declared once, on the parameters, and checked when a config is resolved
        Map<String, io.suffice.api.plugin.Range> ranges = new java.util.HashMap<>();
        p.parameters().forEach(spec -> ranges.put(spec.name(), spec.range()));
        assertThat(ranges.get("final-factor").contains(1.5)).isFalse();
        assertThat(ranges.get("final-factor").contains(1.0)).isTrue();
        assertThat(ranges.get("stepsize").contains(-1)).isFalse();
        assertThat(ranges.get("stepsize").contains(0)).isFalse();
        assertThat(ranges.get("stepsize").contains(Double.NaN)).isFalse();
        assertThat(ranges.get("stepsize").contains(1e5)).isTrue();
        assertThat(ranges.get("clip-norm").describe()).isEqualTo(">= 0");
    }
}
