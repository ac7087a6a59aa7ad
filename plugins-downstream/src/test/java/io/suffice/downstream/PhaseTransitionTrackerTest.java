package io.suffice.downstream;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The tracker's definitions, each checked at its edge: the phase transition is the last step whose risk is strictly
 * greater than the previous one; steps-to-target is the first step with risk at most (not below) the target; an
 * increase is ignored only when both risks are below {@link PhaseTransitionTracker#RESOLUTION_FLOOR}, which, since
 * the new risk is the larger, is decided by the new risk alone.
 */
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

    /**
     * A checkpoint taken after step 0 alone carries step 0's risk, margin and maximum: the resumed tracker then
     * counts an increase at step 1 (or, after a decrease, keeps step 0's margin and maximum) exactly as an
     * uninterrupted one does.
     */
    @Test
    void aTrackerRestoredAfterStepZeroContinuesExactly() {
        for (double risk1 : new double[]{0.9, 0.2}) {
            PhaseTransitionTracker straight = new PhaseTransitionTracker(0.1);
            PhaseTransitionTracker first = new PhaseTransitionTracker(0.1);
            straight.observe(0, 0.5, -0.25);
            first.observe(0, 0.5, -0.25);
            PhaseTransitionTracker resumed = new PhaseTransitionTracker(0.1);
            resumed.restore(first.state());
            assertThat(resumed.state()).containsExactly(0, 0.5, -1, 0, -1, -0.25, 0.5);
            straight.observe(1, risk1, 0.125);
            resumed.observe(1, risk1, 0.125);
            assertThat(resumed.state()).as("risk at step 1: %s", risk1).containsExactly(straight.state());
            assertThat(resumed.riskIncreases()).isEqualTo(risk1 > 0.5 ? 1 : 0);
            assertThat(resumed.marginAtTransition()).isEqualTo(risk1 > 0.5 ? 0.125 : -0.25);
            assertThat(resumed.maxRisk()).isEqualTo(Math.max(0.5, risk1));
        }
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

    @Test
    void aRiskExactlyAtTheTargetReachesIt() {
        // "first step with risk at most the target": equality counts
        PhaseTransitionTracker t = new PhaseTransitionTracker(0.25);
        t.observe(0, 0.7, 0);
        t.observe(1, 0.25, 0);
        t.observe(2, 0.2, 0);
        assertThat(t.stepsToTarget()).isEqualTo(1);
    }

    @Test
    void reachingTheTargetIsRecordedOnceAtTheFirstStep() {
        PhaseTransitionTracker t = new PhaseTransitionTracker(0.5);
        t.observe(0, 0.4, 0);     // already at the target at step 0
        t.observe(1, 0.9, 0);
        t.observe(2, 0.3, 0);
        assertThat(t.stepsToTarget()).isZero();
    }

    @Test
    void anEqualRiskIsNotAnIncrease() {
        // "the risk increased" is strict: a plateau neither moves the transition nor counts
        PhaseTransitionTracker t = new PhaseTransitionTracker(0);
        t.observe(0, 0.5, -1);
        t.observe(1, 0.6, -0.5);
        t.observe(2, 0.6, 0.25);
        t.observe(3, 0.4, 0.5);
        assertThat(t.phaseTransitionStep()).isEqualTo(1);
        assertThat(t.riskIncreases()).isEqualTo(1);
        assertThat(t.marginAtTransition()).isEqualTo(-0.5);
    }

    @Test
    void anIncreaseFromBelowTheFloorToAboveItCounts() {
        // only increases with both risks below the floor are rounding; the previous risk being below it is not
        // enough (the floor test is on the new, larger risk)
        PhaseTransitionTracker t = new PhaseTransitionTracker(0);
        t.observe(0, 0.5, 0.1);
        t.observe(1, 1e-300, 0.2);
        t.observe(2, 1e-100, 0.3);
        t.observe(3, 1e-120, 0.4);
        assertThat(t.riskIncreases()).isEqualTo(1);
        assertThat(t.phaseTransitionStep()).isEqualTo(2);
        assertThat(t.marginAtTransition()).isEqualTo(0.3);
    }

    @Test
    void anIncreaseToExactlyTheFloorCounts() {
        // below the floor means strictly below it
        PhaseTransitionTracker t = new PhaseTransitionTracker(0);
        t.observe(0, 1e-260, 0.1);
        t.observe(1, PhaseTransitionTracker.RESOLUTION_FLOOR, 0.2);
        assertThat(t.riskIncreases()).isEqualTo(1);
        assertThat(t.phaseTransitionStep()).isEqualTo(1);
    }

    @Test
    void theFirstStepIsNeverAnIncreaseAndSetsTheStartingMargin() {
        PhaseTransitionTracker t = new PhaseTransitionTracker(0);
        t.observe(0, 5.0, -0.7);
        assertThat(t.riskIncreases()).isZero();
        assertThat(t.phaseTransitionStep()).isZero();
        assertThat(t.marginAtTransition()).isEqualTo(-0.7);
        assertThat(t.maxRisk()).isEqualTo(5.0);
        assertThat(t.stepsToTarget()).isEqualTo(-1);
    }
}
