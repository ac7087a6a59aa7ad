package io.suffice.downstream;

import io.suffice.api.train.TrainingListener;

import java.util.Map;

/**
 * Follows the empirical risk along a run and reports the quantities of the large-stepsize theory (Wu et al., COLT
 * 2024; Cai et al., NeurIPS 2024): the phase-transition step (the last step at which the risk increased: from then on
 * GD descends monotonically), how many increases there were, the first step at which the risk reached a target, and
 * the normalized margin when the stable phase began. Feed every step, in order: as the training core's
 * {@link TrainingListener} it reads the columns {@code risk} and {@code normalized_margin} of each measurement, and
 * a step it has already seen (a resumed run measuring its checkpoint's step again) is ignored. {@link #state()} and
 * {@link #restore} carry everything, so a resumed run reports what the uninterrupted one would.
 * <p>
 * Increases between risks both below {@value #RESOLUTION_FLOOR} are not counted: there the per-sample terms
 * {@code softplus(-margin)} underflow one by one and the risk moves by rounding, not by the dynamics (adaptive
 * stepsizes drive it that low).
 */
public final class PhaseTransitionTracker implements TrainingListener {
    /** Risks below this are beyond double precision's resolution of the dynamics. */
    public static final double RESOLUTION_FLOOR = 1e-250;

    private static final int STATE_SIZE = 7;

    private final double targetRisk;
    private long lastStep = -1;
    private double previousRisk = Double.NaN;
    private long lastIncrease = -1;
    private long increases;
    private long stepsToTarget = -1;
    private double marginAtTransition = Double.NaN;
    private double maxRisk = Double.NEGATIVE_INFINITY;

    public PhaseTransitionTracker(double targetRisk) {
        this.targetRisk = targetRisk;
    }

    /** Observes the {@code risk} and {@code normalized_margin} of the measurement at {@code step}. */
    @Override
    public void onMeasurement(long step, Map<String, Double> values) {
        observe(step, value(values, LogisticDiagnostics.RISK), value(values, LogisticDiagnostics.NORMALIZED_MARGIN));
    }

    private static double value(Map<String, Double> values, String name) {
        Double v = values.get(name);
        if (v == null) {
            throw new IllegalArgumentException("the phase-transition tracker needs '" + name + "'; got "
                    + values.keySet());
        }
        return v;
    }

    /**
     * Records the risk and normalized margin at {@code step} (steps 0, 1, 2, ... in order; a step at or before the
     * last one recorded is ignored).
     */
    public void observe(long step, double risk, double normalizedMargin) {
        if (step <= lastStep) {
            return;
        }
        if (lastStep >= 0 && step != lastStep + 1) {
            throw new IllegalArgumentException("phase-transition tracker: step " + step + " after step " + lastStep
                    + "; it needs every step");
        }
        lastStep = step;
        if (step == 0) {
            marginAtTransition = normalizedMargin;
        } else if (risk > previousRisk && risk >= RESOLUTION_FLOOR) {
            lastIncrease = step;
            increases++;
            marginAtTransition = normalizedMargin;
        }
        if (stepsToTarget < 0 && risk <= targetRisk) {
            stepsToTarget = step;
        }
        maxRisk = Math.max(maxRisk, risk);
        previousRisk = risk;
    }

    /** The last step at which the risk went up, 0 if it never did (monotone from the start). */
    public long phaseTransitionStep() {
        return Math.max(lastIncrease, 0);
    }

    /** Number of steps at which the risk went up. */
    public long riskIncreases() {
        return increases;
    }

    /** First step with risk at most the target, or -1 if never reached. */
    public long stepsToTarget() {
        return stepsToTarget;
    }

    /** The normalized margin at {@link #phaseTransitionStep()}. */
    public double marginAtTransition() {
        return marginAtTransition;
    }

    /** The largest risk seen. */
    public double maxRisk() {
        return maxRisk;
    }

    /**
     * Puts the tracker's figures into a task summary: {@code phase_transition_step}, {@code risk_increases},
     * {@code steps_to_target} (-1 if never), {@code normalized_margin_at_transition} and {@code max_risk}.
     */
    public void putSummary(Map<String, Double> summary) {
        summary.put("phase_transition_step", (double) phaseTransitionStep());
        summary.put("risk_increases", (double) riskIncreases());
        summary.put("steps_to_target", (double) stepsToTarget());
        summary.put("normalized_margin_at_transition", marginAtTransition());
        summary.put("max_risk", maxRisk());
    }

    /**
     * {@code [last step, previous risk, last increase, increases, steps to target, margin at transition, max risk]};
     * every entry is finite once a step was observed (the longs are exact in a double below 2^53).
     */
    @Override
    public double[] state() {
        return new double[]{lastStep, lastStep < 0 ? 0 : previousRisk, lastIncrease, increases, stepsToTarget,
                lastStep < 0 ? 0 : marginAtTransition, lastStep < 0 ? 0 : maxRisk};
    }

    @Override
    public void restore(double[] state) {
        if (state.length != STATE_SIZE) {
            throw new IllegalArgumentException("phase-transition tracker state needs " + STATE_SIZE + " values, got "
                    + state.length);
        }
        lastStep = (long) state[0];
        previousRisk = lastStep < 0 ? Double.NaN : state[1];
        lastIncrease = (long) state[2];
        increases = (long) state[3];
        stepsToTarget = (long) state[4];
        marginAtTransition = lastStep < 0 ? Double.NaN : state[5];
        maxRisk = lastStep < 0 ? Double.NEGATIVE_INFINITY : state[6];
    }
}
