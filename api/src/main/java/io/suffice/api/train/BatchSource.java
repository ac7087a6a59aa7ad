package io.suffice.api.train;

import io.suffice.api.tensor.HostTensor;

import java.util.Map;

/**
 * The training data of a run as a function of the step: {@link #batch(long)} returns the graph inputs of step
 * {@code t}. It must depend only on the run's configuration and {@code t} (derive a generator from the seed and the
 * step, see {@link StepRandom}), never on how many batches were drawn before, so a run resumed at step {@code k}
 * sees exactly the batches the uninterrupted run saw. A finite dataset trained full-batch returns the same tensors
 * every step.
 * <p>
 * Called by one thread; the returned tensors are read before the next call and may be reused by the source.
 */
@FunctionalInterface
public interface BatchSource {

    /** The inputs of step {@code step} by graph-input name (fields the step does not read are ignored). */
    Map<String, HostTensor> batch(long step);
}
