package io.suffice.api.train;

import java.util.Map;

/**
 * A training run produced a non-finite value (Inf or NaN). The message names the step, the offending values and the
 * last finite ones, so that a sweep over huge stepsizes says where it broke.
 */
public final class TrainingDivergedException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final long step;

    public TrainingDivergedException(long step, Map<String, Double> values, Map<String, Double> lastFinite) {
        super("training diverged at step " + step + ": " + values + "; last finite values: "
                + (lastFinite == null ? "none" : lastFinite));
        this.step = step;
    }

    /** The step at which a non-finite value appeared. */
    public long step() {
        return step;
    }

    /** Throws if any of {@code values} is not finite. */
    public static void requireFinite(long step, Map<String, Double> values, Map<String, Double> lastFinite) {
        for (double v : values.values()) {
            if (!Double.isFinite(v)) {
                throw new TrainingDivergedException(step, values, lastFinite);
            }
        }
    }
}
