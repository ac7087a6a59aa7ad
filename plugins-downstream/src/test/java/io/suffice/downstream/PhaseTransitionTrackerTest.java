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
}
