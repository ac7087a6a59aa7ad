package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented ranges of every hyper-parameter, checked at both ends, both where the plugins declare them (the
 * {@link io.suffice.api.plugin.Range} the runtime checks when it resolves a config) and where the rules check them
 * again: stepsizes and epsilon are positive (0 is rejected), momentum and the moment decays lie in [0, 1) (0 accepted,
 * 1 rejected), weight decay is >= 0, the cosine final factor lies in [0, 1] (both ends accepted), warm-up has at
 * least one step; and restore() replaces the state.
 */
class OptimizerValidationTest {

    private static io.suffice.api.plugin.Range range(io.suffice.api.plugin.PluginProvider<?> p, String name) {
        return p.parameters().stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow().range();
    }

    @Test
    void stepsizeMustBePositive() {
        assertThatThrownBy(() -> new GradientDescent(0)).hasMessageContaining("stepsize");
        assertThatCode(() -> new GradientDescent(Double.MIN_VALUE)).doesNotThrowAnyException();
        for (io.suffice.api.plugin.OptimizerProvider p : java.util.ServiceLoader.load(
                io.suffice.api.plugin.OptimizerProvider.class)) {
            assertThat(range(p, "stepsize").contains(0)).as(p.name()).isFalse();
            assertThat(range(p, "stepsize").contains(Double.MIN_VALUE)).as(p.name()).isTrue();
            assertThat(range(p, "clip-norm").contains(0)).as(p.name()).isTrue();
            assertThat(range(p, "clip-norm").contains(-1e-9)).as(p.name()).isFalse();
            assertThat(range(p, "warmup-steps").contains(0)).as(p.name()).isTrue();
            assertThat(range(p, "warmup-steps").contains(-1)).as(p.name()).isFalse();
        }
    }

    @Test
    void momentumLiesInTheHalfOpenUnitInterval() {
        assertThatCode(() -> new Momentum(0.1, 0, false, UpdateOptions.NONE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new Momentum(0.1, 1, false, UpdateOptions.NONE)).hasMessageContaining("momentum");
        assertThatThrownBy(() -> new Momentum(0.1, -0.1, false, UpdateOptions.NONE)).hasMessageContaining("momentum");
        MomentumProvider p = new MomentumProvider();
        assertThatCode(() -> p.create(TestConfigs.of(p, Map.of("momentum", 0.0)))).doesNotThrowAnyException();
        assertThat(range(p, "momentum").contains(0)).isTrue();
        assertThat(range(p, "momentum").contains(1)).isFalse();
        assertThat(range(new NesterovProvider(), "momentum").contains(1)).isFalse();
    }

    @Test
    void adamHyperParametersAtTheirBounds() {
        assertThatCode(() -> new Adam(0.1, 0, 0, 1e-8, 0, true, UpdateOptions.NONE)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new Adam(0.1, 1, 0.9, 1e-8, 0, true, UpdateOptions.NONE)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new Adam(0.1, 0.9, 1, 1e-8, 0, true, UpdateOptions.NONE)).hasMessageContaining("beta2");
        assertThatThrownBy(() -> new Adam(0.1, -0.5, 0.9, 1e-8, 0, true, UpdateOptions.NONE)).hasMessageContaining("beta1");
        assertThatThrownBy(() -> new Adam(0.1, 0.9, -0.5, 1e-8, 0, true, UpdateOptions.NONE)).hasMessageContaining("beta2");
        assertThatThrownBy(() -> new Adam(0.1, 0.9, 0.9, 0, 0, true, UpdateOptions.NONE)).hasMessageContaining("epsilon");
        assertThatThrownBy(() -> new Adam(0.1, 0.9, 0.9, 1e-8, -1e-3, true, UpdateOptions.NONE))
                .hasMessageContaining("weight decay");
        for (AdamFamilyProvider p : List.of(new AdamProvider(), new AdamWProvider())) {
            assertThatCode(() -> p.create(TestConfigs.of(p, Map.of("beta1", 0.0, "beta2", 0.0, "weight-decay", 0.0))))
                    .doesNotThrowAnyException();
            for (String beta : new String[]{"beta1", "beta2"}) {
                assertThat(range(p, beta).contains(0)).as(beta).isTrue();
                assertThat(range(p, beta).contains(1)).as(beta).isFalse();
            }
            assertThat(range(p, "epsilon").contains(0)).isFalse();
            assertThat(range(p, "weight-decay").contains(0)).isTrue();
            assertThat(range(p, "weight-decay").contains(-1e-9)).isFalse();
        }
    }

    @Test
    void scheduleParametersAtTheirBounds() {
        assertThatCode(() -> new CosineSchedule(0)).doesNotThrowAnyException();
        assertThatCode(() -> new CosineSchedule(1)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new CosineSchedule(1.01)).hasMessageContaining("final factor");
        assertThatThrownBy(() -> new CosineSchedule(-0.01)).hasMessageContaining("final factor");
        assertThatCode(() -> new LinearWarmupSchedule(1, new ConstantSchedule())).doesNotThrowAnyException();
        assertThatThrownBy(() -> new LinearWarmupSchedule(0, new ConstantSchedule())).hasMessageContaining("warm-up");
        GradientDescentProvider p = new GradientDescentProvider();
        for (double f : new double[]{0, 1}) {
            assertThat(UpdateOptions.from(TestConfigs.of(p, Map.of("schedule", "cosine", "final-factor", f)))
                    .schedule()).isEqualTo(new CosineSchedule(f));
            assertThat(range(p, "final-factor").contains(f)).isTrue();
        }
        assertThat(range(p, "final-factor").contains(-0.01)).isFalse();
        assertThat(range(p, "final-factor").contains(1.01)).isFalse();
        // warm-up 0 is "none", 1 is a one-step warm-up
        assertThat(UpdateOptions.from(TestConfigs.of(p, Map.of("warmup-steps", 0L))).schedule())
                .isEqualTo(new ConstantSchedule());
        assertThat(UpdateOptions.from(TestConfigs.of(p, Map.of("warmup-steps", 1L))).schedule())
                .isEqualTo(new LinearWarmupSchedule(1, new ConstantSchedule()));
        assertThatThrownBy(() -> new UpdateOptions(new ConstantSchedule(), Double.POSITIVE_INFINITY))
                .hasMessageContaining("clip norm");
        // warm-up of one step is no warm-up: the first update has the full stepsize
        assertThat(new LinearWarmupSchedule(1, new ConstantSchedule()).factor(0, 10)).isEqualTo(1);
    }

    @Test
    void restoreReplacesTheWholeState() {
        // restoring a state without velocities is restoring a fresh optimizer: nothing of the old state survives
        Optimizer used = new Momentum(0.1, 0.9, false, UpdateOptions.NONE);
        HostTensor w = HostTensor.of(new double[]{0}, 1);
        used.step(List.of(w), List.of(HostTensor.of(new double[]{1}, 1)), new StepInfo(0, 3, 1));
        used.restore(Map.of());
        assertThat(used.state()).isEmpty();
        HostTensor w2 = HostTensor.of(new double[]{0}, 1);
        used.step(List.of(w2), List.of(HostTensor.of(new double[]{1}, 1)), new StepInfo(1, 3, 1));
        assertThat(w2.toDoubleArray()[0]).isEqualTo(-0.1);
    }
}
