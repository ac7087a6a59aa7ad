package io.suffice.api.train;

import java.util.Map;

/**
 * Observes every measurement of a training run: the loss and metrics at the parameters after {@code step} updates
 * (so step 0 is the initial model and the run's last measurement is taken after its last update). A listener that
 * keeps state across steps (a phase-transition tracker, a best-so-far) exposes it through {@link #state()} so a
 * checkpoint carries it and a resumed run continues exactly.
 * <p>
 * Called on the training thread only.
 */
public interface TrainingListener {

    /**
     * @param step   updates applied before this measurement
     * @param values the loss (under the plan's {@code lossName}), then the plan's metrics, by name (finite: a non-finite value stops the run first)
     */
    void onMeasurement(long step, Map<String, Double> values);

    /** The listener's state, saved in checkpoints; empty for stateless listeners. */
    default double[] state() {
        return new double[0];
    }

    /** Restores what {@link #state()} returned, before the first measurement of a resumed run. */
    default void restore(double[] state) {
        if (state.length > 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " is stateless but got a state of "
                    + state.length + " values");
        }
    }
}
