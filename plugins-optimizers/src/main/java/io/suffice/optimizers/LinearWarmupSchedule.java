package io.suffice.optimizers;

/**
 * Linear warm-up in front of another schedule: {@code s(t, T) = (t + 1) / w * after(t, T)} for {@code t < w}, and
 * {@code after(t, T)} from then on. The first update uses {@code 1/w} of the stepsize, update {@code w - 1} the full
 * one.
 *
 * @param warmupSteps {@code w >= 1}
 * @param after       the schedule the warm-up ramps into
 */
public record LinearWarmupSchedule(long warmupSteps, Schedule after) implements Schedule {
    public LinearWarmupSchedule {
        if (warmupSteps < 1) {
            throw new IllegalArgumentException("warm-up steps must be at least 1, got " + warmupSteps);
        }
    }

    @Override
    public double factor(long step, long totalSteps) {
        double ramp = step < warmupSteps ? (step + 1) / (double) warmupSteps : 1;
        return ramp * after.factor(step, totalSteps);
    }
}
