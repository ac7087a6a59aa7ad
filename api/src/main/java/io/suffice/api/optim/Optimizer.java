package io.suffice.api.optim;

import io.suffice.api.tensor.HostTensor;

import java.util.List;
import java.util.Map;

/**
 * An update rule. The trainer computes gradients and calls {@link #step} once per iteration; the optimizer updates
 * the parameters in place. Parameters are passed in the same order on every call, so implementations may keep
 * per-parameter state (moments, velocities) by index.
 * <p>
 * Not thread-safe: one instance serves one training run.
 */
public interface Optimizer {

    /**
     * Applies one update in place.
     *
     * @param params parameters, updated in place
     * @param grads  gradients of the loss with respect to {@code params}, same order, dtypes and shapes
     * @param info   the step index and the loss at the current parameters
     */
    void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info);

    /** Internal state to checkpoint (moments etc.), keyed by stable names; empty for stateless rules. */
    default Map<String, HostTensor> state() {
        return Map.of();
    }

    /** Restores what {@link #state()} returned, before the first {@link #step} of a resumed run. */
    default void restore(Map<String, HostTensor> state) {
        if (!state.isEmpty()) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " is stateless but got state "
                    + state.keySet());
        }
    }
}
