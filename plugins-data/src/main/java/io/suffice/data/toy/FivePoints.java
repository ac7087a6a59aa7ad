package io.suffice.data.toy;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.tensor.HostTensor;
import io.suffice.data.Subsets;

import java.util.Map;
import java.util.random.RandomGenerator;

/**
 * The toy of the large-stepsize paper's Fig. 4 (Cai, Wu, Mei, Lindsey, Bartlett, NeurIPS 2024, appendix): five
 * linearly separable points in R^3 whose max-margin (hard-margin SVM through the origin) is {@value #MAX_MARGIN}.
 * The paper's exact points are not available offline; these are ours, built so that the max-margin is provable by
 * hand: with {@code z_i = y_i x_i},
 * <pre>
 *   x_1 = ( 0.05,  0.6,  0.3), y = +1      z_1 = (0.05,  0.6,  0.3)
 *   x_2 = (-0.05,  0.6,  0.3), y = -1      z_2 = (0.05, -0.6, -0.3)
 *   x_3 = ( 0.3,  -0.5,  0.4), y = +1      z_3 = (0.3,  -0.5,  0.4)
 *   x_4 = (-0.2,  -0.4, -0.6), y = -1      z_4 = (0.2,   0.4,  0.6)
 *   x_5 = ( 0.4,   0.1, -0.7), y = +1      z_5 = (0.4,   0.1, -0.7)
 * </pre>
 * Every {@code z_i . e_1 >= 0.05}, with equality exactly for {@code z_1, z_2}, and {@code (z_1 + z_2)/2 = 0.05 e_1}:
 * so {@code w = e_1 / 0.05} satisfies the KKT conditions of {@code min ||w|| s.t. z_i . w >= 1} with multipliers on
 * {@code z_1, z_2} only, and the max-margin direction is {@code e_1}, margin 0.05. All norms are below 1. The first
 * coordinate alone separates the data; the other two are what a two-neuron network can use to make each neuron's
 * own margin negative while the network's is positive (the figure's point). Fields: {@code x} float32 [5, 3],
 * {@code y} float32 [5].
 */
public final class FivePoints implements Dataset {
    /** The max-margin of the points. */
    public static final double MAX_MARGIN = 0.05;

    static final float[][] POINTS = {
            {0.05f, 0.6f, 0.3f}, {-0.05f, 0.6f, 0.3f}, {0.3f, -0.5f, 0.4f}, {-0.2f, -0.4f, -0.6f},
            {0.4f, 0.1f, -0.7f}};
    static final float[] LABELS = {1, -1, 1, -1, 1};

    private final HostTensor x;
    private final HostTensor y;

    public FivePoints() {
        float[] flat = new float[POINTS.length * 3];
        for (int i = 0; i < POINTS.length; i++) {
            System.arraycopy(POINTS[i], 0, flat, i * 3, 3);
        }
        x = HostTensor.of(flat, POINTS.length, 3);
        y = HostTensor.of(LABELS.clone(), LABELS.length);
    }

    @Override
    public long size() {
        return LABELS.length;
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
