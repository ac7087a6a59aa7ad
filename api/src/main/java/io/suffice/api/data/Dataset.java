package io.suffice.api.data;

import io.suffice.api.oracle.BayesOracle;

import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * A source of examples: either finite (a fixed sample, e.g. read from files) or a generator that draws fresh
 * examples on every call. Implementations are immutable after creation and thread-safe; all randomness comes from
 * the generator passed in, so a run is reproducible from its seed.
 */
public interface Dataset {

    /** Number of examples of a finite dataset; {@code -1} for a generator. */
    long size();

    /** Whether {@link #all()} is available. */
    default boolean isFinite() {
        return size() >= 0;
    }

    /**
     * {@code n} examples: fresh draws for a generator; for a finite dataset a uniformly random subset without
     * replacement ({@code n} at most {@link #size()}).
     */
    Batch sample(int n, RandomGenerator rng);

    /**
     * The whole finite dataset in a fixed order (for full-batch methods).
     *
     * @throws UnsupportedOperationException for generators
     */
    Batch all();

    /**
     * Held-out examples with the same fields as {@link #all()}, never trained on (for test accuracy), when the
     * dataset has them.
     */
    default Optional<Batch> heldOut() { return Optional.empty(); }

    /** The exact Bayes answers of this data model, when it has them (e.g. the JGHM's belief propagation). */
    default Optional<BayesOracle> oracle() { return Optional.empty(); }

    /**
     * The labelled view of an image-caption dataset (class names, tokenized prompts, labelled train and held-out
     * test images) that zero-shot evaluation needs, when it has one.
     */
    default Optional<ZeroShotSource> zeroShot() { return Optional.empty(); }
}
