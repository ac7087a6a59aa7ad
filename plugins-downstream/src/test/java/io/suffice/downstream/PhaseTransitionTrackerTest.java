package io.suffice.downstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PhaseTransitionTrackerTest {

    @Test
    void findsTheLastIncreaseAndTheFirstStepBelowTarget() {
        PhaseTransitionTracker t = new PhaseTransitionTracker(0.1);
        double[] risks = {0.7, 2.0, 0.5, 0.9, 0.3, 0.09, 0.05, 0.01};
        double[] margins = {-1, -2, -0.5, -0.4, 0.1, 0.2, 0.3, 0.4};
        for (int s = 0; s < risks.length; s++) {
            t.observe(s, risks[s], margins[s]);
        }
        assertThat(t.phaseTransitionStep()).isEqualTo(3);
        assertThat(t.riskIncreases()).isEqualTo(2);
        assertThat(t.stepsToTarget()).isEqualTo(5);
        assertThat(t.marginAtTransition()).isEqualTo(-0.4);
        assertThat(t.maxRisk()).isEqualTo(2.0);
    }

    @Test
    void monotoneRunsHaveTransitionZeroAndUnreachedTargetsMinusOne() {
        PhaseTransitionTracker t = new PhaseTransitionTracker(1e-9);
        t.observe(0, 0.7, -0.1);
        t.observe(1, 0.6, 0.0);
        assertThat(t.phaseTransitionStep()).isZero();
        assertThat(t.stepsToTarget()).isEqualTo(-1);
        assertThat(t.marginAtTransition()).isEqualTo(-0.1);
    }

    @Test
    void roundingNoiseBelowTheResolutionFloorIsNotAnIncrease() {
        PhaseTransitionTracker t = new PhaseTransitionTracker(0.1);
        t.observe(0, 1e-260, 0.1);
        t.observe(1, 2e-260, 0.1);
        assertThat(t.riskIncreases()).isZero();
    }

    @Test
    void aRestoredTrackerContinuesExactlyAndIgnoresARepeatedStep() {
        double[] risks = {0.7, 2.0, 0.5, 0.9, 0.3, 0.09, 0.05, 1e-5, 0.01};
        double[] margins = {-1, -2, -0.5, -0.4, 0.1, 0.2, 0.3, 0.4, 0.35};
        PhaseTransitionTracker straight = new PhaseTransitionTracker(0.1);
        PhaseTransitionTracker first = new PhaseTransitionTracker(0.1);
        for (int s = 0; s < risks.length; s++) {
            straight.onMeasurement(s, java.util.Map.of("risk", risks[s], "normalized_margin", margins[s]));
            if (s <= 4) {
                first.observe(s, risks[s], margins[s]);
            }
        }
        PhaseTransitionTracker resumed = new PhaseTransitionTracker(0.1);
        resumed.restore(first.state());
        assertThat(resumed.state()).containsExactly(first.state());
        for (int s = 4; s < risks.length; s++) { // step 4 again: the checkpoint's step measured once more
            resumed.observe(s, risks[s], margins[s]);
        }
        assertThat(resumed.state()).containsExactly(straight.state());
        assertThat(resumed.phaseTransitionStep()).isEqualTo(8);
        assertThat(resumed.riskIncreases()).isEqualTo(3);
        assertThat(resumed.stepsToTarget()).isEqualTo(5);
        assertThat(resumed.maxRisk()).isEqualTo(2.0);
        assertThat(resumed.marginAtTransition()).isEqualTo(0.35);
        for (double v : first.state()) {
            assertThat(v).isFinite();
        }
        assertThat(java.util.Arrays.stream(new PhaseTransitionTracker(0.1).state()).allMatch(Double::isFinite)).isTrue();
    }

    @Test
    void aSkippedStepOrAWrongStateIsRefused() {
        PhaseTransitionTracker t = new PhaseTransitionTracker(0.1);
        t.observe(0, 0.7, 0);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.observe(2, 0.6, 0))
                .hasMessageContaining("step 2 after step 0");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.restore(new double[3]))
                .hasMessageContaining("7 values");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.onMeasurement(1, java.util.Map.of("risk", 1.0)))
                .hasMessageContaining("normalized_margin");
    }
}
