package io.suffice.api.train;

import java.util.Map;

/**
 * What {@link Trainer#fit} reports: where the run started and ended, its speed, the window means of the reported
 * values (the paper's "mean of the last 100 training losses") and the final measurement.
 *
 * @param startStep      the step training began at (0, or a resumed checkpoint's step)
 * @param steps          the plan's step count; the parameters have received this many updates
 * @param stepsPerSecond updates per second of this process (from {@code startStep}); NaN when it took none
 * @param windowMeans    {@code loss} and each metric: mean over the last {@link TrainingPlan#window()} training steps
 *                       (steps of the parent run included after a resume)
 * @param last           {@code loss} and each metric measured after the last update (step {@code steps})
 */
public record TrainingResult(long startStep, long steps, double stepsPerSecond, Map<String, Double> windowMeans,
                             Map<String, Double> last) {
    public TrainingResult {
        windowMeans = Map.copyOf(windowMeans);
        last = Map.copyOf(last);
    }

    /** Updates this process applied ({@code steps - startStep}; 0 for an evaluation-only resume). */
    public long stepsTaken() {
        return steps - startStep;
    }

    /** The window mean of {@code name}. */
    public double windowMean(String name) {
        Double v = windowMeans.get(name);
        if (v == null) {
            throw new IllegalArgumentException("no window of '" + name + "'; have " + windowMeans.keySet());
        }
        return v;
    }
}
