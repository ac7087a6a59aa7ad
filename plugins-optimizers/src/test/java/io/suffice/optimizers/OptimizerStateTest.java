package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** state()/restore() round trips: a restored optimizer continues exactly like the original. */
class OptimizerStateTest {

    private static void roundTrip(Supplier<Optimizer> make, String... expectedKeys) {
        Optimizer original = make.get();
        HostTensor w = HostTensor.of(new float[]{1, -2, 3}, 3);
        HostTensor b = HostTensor.of(new double[]{0.5}, 1);
        for (int t = 0; t < 3; t++) {
            original.step(List.of(w, b), List.of(HostTensor.of(new float[]{t, 1, -t}, 3),
                    HostTensor.of(new double[]{0.1 * t}, 1)), new StepInfo(t, 10, 1));
        }
        Map<String, HostTensor> saved = original.state();
        assertThat(saved).containsOnlyKeys(expectedKeys);
        Optimizer resumed = make.get();
        resumed.restore(saved);
        HostTensor w2 = w.copy();
        HostTensor b2 = b.copy();
        List<HostTensor> g = List.of(HostTensor.of(new float[]{2, -1, 4}, 3), HostTensor.of(new double[]{-3}, 1));
        original.step(List.of(w, b), g, new StepInfo(3, 10, 1));
        resumed.step(List.of(w2, b2), g, new StepInfo(3, 10, 1));
        assertThat(w2.toDoubleArray()).containsExactly(w.toDoubleArray());
        assertThat(b2.toDoubleArray()).containsExactly(b.toDoubleArray());
        // and the state is not trivially empty: a fresh optimizer would step differently
        Optimizer fresh = make.get();
        HostTensor w3 = w2.copy();
        fresh.step(List.of(w3, b2.copy()), g, new StepInfo(3, 10, 1));
        resumed.step(List.of(w2, b2), g, new StepInfo(4, 10, 1));
        assertThat(w3.toDoubleArray()).isNotEqualTo(w2.toDoubleArray());
    }

    @Test
    void momentum() {
        roundTrip(() -> new Momentum(0.1, 0.9, false, UpdateOptions.NONE), "velocity.0", "velocity.1");
    }

    @Test
    void nesterov() {
        roundTrip(() -> new Momentum(0.1, 0.9, true, UpdateOptions.NONE), "velocity.0", "velocity.1");
    }

    @Test
    void adamAndAdamW() {
        roundTrip(() -> new Adam(0.1, 0.9, 0.99, 1e-8, 0, false, UpdateOptions.NONE), "m.0", "m.1", "v.0", "v.1",
                "step");
        roundTrip(() -> new Adam(0.1, 0.9, 0.99, 1e-8, 0.1, true, UpdateOptions.NONE), "m.0", "m.1", "v.0", "v.1",
                "step");
    }

    @Test
    void statelessRulesRejectStateAndBadKeysAreNamed() {
        assertThat(new GradientDescent(1).state()).isEmpty();
        assertThatThrownBy(() -> new GradientDescent(1).restore(Map.of("m.0", HostTensor.of(new double[]{1}, 1))))
                .hasMessageContaining("stateless");
        assertThatThrownBy(() -> new Momentum(1, 0.5, false, UpdateOptions.NONE)
                .restore(Map.of("moment.0", HostTensor.of(new double[]{1}, 1))))
                .hasMessageContaining("moment.0");
    }
}
