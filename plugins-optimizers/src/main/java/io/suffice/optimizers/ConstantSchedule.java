package io.suffice.optimizers;

/** {@code s(t, T) = 1}: the constant stepsize of the large-stepsize theory. */
public record ConstantSchedule() implements Schedule {
    @Override
    public double factor(long step, long totalSteps) {
        return 1;
    }
}
