package io.suffice.api.optim;

/**
 * What an optimizer may know about the current iteration.
 *
 * @param step       iteration index, 0 for the first update
 * @param totalSteps planned number of updates (for schedules), at least {@code step + 1}
 * @param loss       the training loss at the parameters before this update (adaptive stepsizes use it)
 */
public record StepInfo(long step, long totalSteps, double loss) {
    public StepInfo {
        if (step < 0 || totalSteps <= step) {
            throw new IllegalArgumentException("step " + step + " outside [0, " + totalSteps + ")");
        }
    }
}
