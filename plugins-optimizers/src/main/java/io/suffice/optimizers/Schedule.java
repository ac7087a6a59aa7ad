package io.suffice.optimizers;

/**
 * A stepsize schedule: the factor {@code s(t, T)} that multiplies an optimizer's base stepsize at step {@code t} of
 * {@code T} planned steps, so the applied stepsize is {@code eta_t = eta * s(t, T)}. Implementations are immutable.
 */
public interface Schedule {

    /**
     * @param step       iteration index, 0 for the first update
     * @param totalSteps planned number of updates, at least {@code step + 1}
     * @return the factor, in [0, 1] for the built-in schedules
     */
    double factor(long step, long totalSteps);
}
