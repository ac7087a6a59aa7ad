package io.suffice.runtime.engine;

import io.suffice.api.tensor.HostTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Everything needed to resume a run: the parameters, the optimizer state ({@link io.suffice.api.optim.Optimizer#state()}),
 * the tensors the task carries across a resume (a frozen tower), the number of completed steps and string metadata
 * (the loop state, the resolved config and its hash). Unmodifiable maps in insertion order; the tensors themselves
 * are whatever the caller passed (copy them first if the run continues to mutate them).
 *
 * @param step           completed optimisation steps
 * @param params         parameter values by name
 * @param optimizerState optimizer state by key
 * @param carried        the task's carried tensors by name
 * @param metadata       strings by key (see {@link Checkpoints} for the keys the core writes)
 */
public record Checkpoint(long step, Map<String, HostTensor> params, Map<String, HostTensor> optimizerState,
                         Map<String, HostTensor> carried, Map<String, String> metadata) {
    public Checkpoint {
        params = ordered(params);
        optimizerState = ordered(optimizerState);
        carried = ordered(carried);
        metadata = ordered(metadata);
        if (step < 0) {
            throw new IllegalArgumentException("negative step " + step);
        }
    }

    private static <V> Map<String, V> ordered(Map<String, V> m) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(m));
    }
}
