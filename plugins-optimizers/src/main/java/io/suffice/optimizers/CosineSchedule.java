package io.suffice.optimizers;

/**
 * Cosine decay (Loshchilov and Hutter, SGDR, ICLR 2017, without restarts):
 * {@code s(t, T) = f + (1 - f) (1 + cos(pi t / T)) / 2}, from 1 at {@code t = 0} toward the final factor {@code f} at
 * {@code t = T}.
 *
 * @param finalFactor {@code f} in [0, 1]
 */
public record CosineSchedule(double finalFactor) implements Schedule {
    public CosineSchedule {
        if (!(finalFactor >= 0 && finalFactor <= 1)) {
            throw new IllegalArgumentException("final factor must be in [0, 1], got " + finalFactor);
        }
    }

    @Override
    public double factor(long step, long totalSteps) {
        return finalFactor + (1 - finalFactor) * 0.5 * (1 + Math.cos(Math.PI * step / totalSteps));
    }
}
