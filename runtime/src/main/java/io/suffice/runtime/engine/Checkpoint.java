package io.suffice.runtime.engine;

import io.suffice.api.tensor.HostTensor;

import java.util.Map;

/**
 * Everything needed to resume a run: parameters, optimizer state ({@link io.suffice.api.optim.Optimizer#state()}),
 * the number of completed steps and the state of the run's random source (an opaque string the trainer produces and
 * understands). Immutable map views; the tensors themselves are whatever the caller passed (copy them first if the
 * run continues to mutate them).
 *
 * @param step           completed optimisation steps
 * @param params         parameter values by name
 * @param optimizerState optimizer state by key
 * @param rngState       serialised random-source state, may be empty
 * @param metadata       free-form extra strings (config hash, dataset name), may be empty
 */
public record Checkpoint(long step, Map<String, HostTensor> params, Map<String, HostTensor> optimizerState,
                         String rngState, Map<String, String> metadata) {
    public Checkpoint {
        params = Map.copyOf(params);
        optimizerState = Map.copyOf(optimizerState);
        metadata = Map.copyOf(metadata);
        if (step < 0) {
            throw new IllegalArgumentException("negative step " + step);
        }
    }
}
