package io.suffice.downstream.diffusion;

import java.util.random.RandomGenerator;

/**
 * The noise levels of a variance-exploding diffusion over the image leaves, {@code z = x + sigma * eps}
 * (beyond the authors, contrastive-jghm.md sec. 4): {@code levels} geometrically spaced scales from {@code max} down
 * to {@code min}, {@code sigma_k = max * (min / max)^(k / (levels - 1))}, {@code k = 0..levels-1}. Training draws
 * sigma log-uniformly in {@code [min, max]}; the sampler walks the levels from the largest to the smallest.
 *
 * @param max    the largest scale (much larger than the symbol range, so that {@code z} forgets {@code x})
 * @param min    the smallest scale (much smaller than the gap 1 between symbols, so that rounding is exact)
 * @param levels number of sampler steps, at least 2
 */
public record NoiseSchedule(double max, double min, int levels) {

    public NoiseSchedule {
        if (!(min > 0) || !(max > min) || levels < 2) {
            throw new IllegalArgumentException("noise schedule needs 0 < min < max and >= 2 levels, got min " + min
                    + ", max " + max + ", levels " + levels);
        }
    }

    /** The scale of level {@code k} (0 = largest). */
    public double sigma(int k) {
        return max * Math.pow(min / max, k / (double) (levels - 1));
    }

    /** A training scale, log-uniform in {@code [min, max]}. */
    public double draw(RandomGenerator rng) {
        return Math.exp(Math.log(min) + rng.nextDouble() * (Math.log(max) - Math.log(min)));
    }
}
