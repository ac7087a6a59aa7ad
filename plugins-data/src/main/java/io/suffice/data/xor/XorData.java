package io.suffice.data.xor;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.data.Subsets;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * XOR data, the synthetic experiment of the large-stepsize paper (Cai et al., NeurIPS 2024): point {@code i} sits at
 * corner {@code c = ((i mod 4) < 2 ? +1 : -1, (i mod 2) == 0 ? +1 : -1)} of the square (so the four corners are
 * equally represented), plus {@code jitter * N(0, I_2)} on the two signal coordinates, followed by
 * {@code noise-dims} coordinates of {@code noise * N(0, 1)}; the label is {@code y = c_1 c_2} (the XOR of the corner's
 * signs, not linearly separable). All points are finally scaled by one factor so that {@code max_i ||x_i|| = 1}.
 * <p>
 * A finite dataset of {@code n} points drawn once from {@code seed}. Fields: {@code x} float32 [n, 2 + noise-dims],
 * {@code y} float32 [n] in {-1, +1}.
 */
public final class XorData implements Dataset {
    private final HostTensor x;
    private final HostTensor y;

    /**
     * @param n         number of points, at least 4
     * @param jitter    standard deviation of the Gaussian jitter of the signal coordinates
     * @param noiseDims number of extra pure-noise coordinates
     * @param noise     standard deviation of the noise coordinates
     * @param seed      seed of the draw
     */
    public XorData(int n, double jitter, int noiseDims, double noise, long seed) {
        if (n < 4 || noiseDims < 0 || !(jitter >= 0) || !(noise >= 0)) {
            throw new IllegalArgumentException("need n >= 4, jitter >= 0, noise-dims >= 0, noise >= 0; got n=" + n
                    + ", jitter=" + jitter + ", noise-dims=" + noiseDims + ", noise=" + noise);
        }
        int d = 2 + noiseDims;
        SplittableRandom rng = new SplittableRandom(seed);
        double[] pts = new double[n * d];
        float[] labels = new float[n];
        double maxNorm = 0;
        for (int i = 0; i < n; i++) {
            double c1 = (i % 4) < 2 ? 1 : -1;
            double c2 = (i % 2) == 0 ? 1 : -1;
            labels[i] = (float) (c1 * c2);
            double norm2 = 0;
            for (int j = 0; j < d; j++) {
                double v = j == 0 ? c1 + jitter * rng.nextGaussian()
                        : j == 1 ? c2 + jitter * rng.nextGaussian()
                        : noise * rng.nextGaussian();
                pts[i * d + j] = v;
                norm2 += v * v;
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(norm2));
        }
        x = HostTensor.zeros(DType.FLOAT32, Shape.of(n, d));
        FloatBuffer xs = x.floats();
        for (int k = 0; k < pts.length; k++) {
            xs.put(k, (float) (pts[k] / maxNorm));
        }
        y = HostTensor.of(labels, n);
    }

    @Override
    public long size() {
        return y.size();
    }

    @Override
    public Batch sample(int n, RandomGenerator rng) {
        return Subsets.sample(all(), n, rng);
    }

    @Override
    public Batch all() {
        return new Batch(Map.of("x", x, "y", y));
    }
}
