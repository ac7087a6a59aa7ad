package io.suffice.downstream;

/**
 * Follows the empirical risk along a run and reports the quantities of the large-stepsize theory (Wu et al., COLT
 * 2024; Cai et al., NeurIPS 2024): the phase-transition step (the last step at which the risk increased: from then on
 * GD descends monotonically), how many increases there were, the first step at which the risk reached a target, and
 * the normalized margin when the stable phase began. Feed every step, in order.
 * <p>
 * Increases between risks both below {@value #RESOLUTION_FLOOR} are not counted: there the per-sample terms
 * {@code softplus(-margin)} underflow one by one and the risk moves by rounding, not by the dynamics (adaptive
 * stepsizes drive it that low).
 */
public final class PhaseTransitionTracker {
    /** Risks below this are beyond double precision's resolution of the dynamics. */
    public static final double RESOLUTION_FLOOR = 1e-250;

    private final double targetRisk;
    private double previousRisk = Double.NaN;
    private long lastIncrease = -1;
    private long increases;
    private long stepsToTarget = -1;
    private double marginAtTransition = Double.NaN;
    private double maxRisk = Double.NEGATIVE_INFINITY;

    public PhaseTransitionTracker(double targetRisk) {
        this.targetRisk = targetRisk;
    }

    /** Records the risk and normalized margin at {@code step} (steps 0, 1, 2, ... in order). */
    public void observe(long step, double risk, double normalizedMargin) {
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
}
