package io.suffice.api.train;

import java.util.SplittableRandom;

/**
 * The random source of one step of a {@link BatchSource}: a {@link SplittableRandom} seeded from the run seed, a
 * stream id (so two streams of one run, e.g. training and evaluation data, differ) and the step, by a fixed
 * mixing of the three. The same arguments give the same generator in every process, which is what makes a resumed
 * run repeat the uninterrupted one. Stateless.
 */
public final class StepRandom {
    private StepRandom() {
    }

    /** The generator of step {@code step} of stream {@code stream} of a run with seed {@code seed}. */
    public static SplittableRandom of(long seed, long stream, long step) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L
                + stream * 0x94D049BB133111EBL + 0x632BE59BD9B4E019L);
    }
}
