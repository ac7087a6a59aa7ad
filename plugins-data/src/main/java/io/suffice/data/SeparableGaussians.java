package io.suffice.data;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.tensor.HostTensor;

import java.nio.FloatBuffer;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * Linearly separable two-class Gaussian data for the linear-model checks of the large-stepsize paper: labels
 * {@code y = +-1} with equal probability, {@code x = y * mu + sigma * z} with {@code z ~ N(0, I_d)} and
 * {@code mu = separation * e_1}, then every point whose margin {@code y * x_1} is below {@code separation / 2} is
 * pushed out to it (so the data are separable with margin at least {@code separation / 2} along {@code e_1}), and
 * finally all points are scaled by one factor so that {@code max ||x_i|| = 1}.
 * <p>
 * A finite dataset of {@code n} points drawn once from {@code seed}. Fields: {@code x} float32 [n, d], {@code y}
 * float32 [n] in {-1, +1}.
 */
public final class SeparableGaussians implements Dataset {
    private final HostTensor x;
    private final HostTensor y;

    public SeparableGaussians(int n, int d, double separation, double sigma, long seed) {
        if (n < 2 || d < 1) {
            throw new IllegalArgumentException("need n >= 2 and d >= 1, got n=" + n + ", d=" + d);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[][] pts = new double[n][d];
        float[] labels = new float[n];
        double maxNorm = 0;
        for (int i = 0; i < n; i++) {
            double label = (i % 2 == 0) ? 1 : -1;
            labels[i] = (float) label;
            double norm2 = 0;
            for (int j = 0; j < d; j++) {
                double v = sigma * rng.nextGaussian() + (j == 0 ? label * separation : 0);
                if (j == 0 && label * v < separation / 2) {
                    v = label * separation / 2;
                }
                pts[i][j] = v;
                norm2 += v * v;
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(norm2));
        }
        x = HostTensor.zeros(io.suffice.api.tensor.DType.FLOAT32, io.suffice.api.tensor.Shape.of(n, d));
        FloatBuffer xs = x.floats();
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < d; j++) {
                xs.put(i * d + j, (float) (pts[i][j] / maxNorm));
            }
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
