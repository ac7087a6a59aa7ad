package io.suffice.downstream;

import io.suffice.downstream.twolayer.Activation;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TwoLayerNetworkTest {

    static double[] gaussian(int size, double scale, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        double[] v = new double[size];
        for (int i = 0; i < size; i++) {
            v[i] = scale * r.nextGaussian();
        }
        return v;
    }

    static double[] labels(int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % 3 == 0 ? 1 : -1;
        }
        return y;
    }

    @ParameterizedTest
    @ValueSource(strings = {"leaky-softplus", "softplus", "leaky-gelu", "gelu", "leaky-silu", "leaky-huber-relu",
            "identity"})
    void gradientMatchesCentralDifferences(String activation) {
        int n = 7;
        int d = 5;
        int m = 11; // more than one chunk, last one partial
        double[] x = gaussian(n * d, 0.4, 1);
        TwoLayerNetwork net = new TwoLayerNetwork(x, labels(n), d, m, Activation.of(activation, 0.3, 0.5));
        double[] w = gaussian(m * d, 1.0, 2);
        double[] g = new double[m * d];
        net.evaluate(w, g, null);
        double h = 1e-6;
        for (int k = 0; k < w.length; k++) {
            double saved = w[k];
            w[k] = saved + h;
            double up = net.evaluate(w, null, null).risk();
            w[k] = saved - h;
            double down = net.evaluate(w, null, null).risk();
            w[k] = saved;
            assertThat(g[k]).as("dL/dW[%d]", k).isCloseTo((up - down) / (2 * h), within(1e-9));
        }
    }

    @Test
    void outputMatchesTheDefinition() {
        int n = 3;
        int d = 2;
        double[] x = {0.5, -0.5, 0.1, 0.2, -0.3, 0.9};
        double[] w = {1, 2, -1, 0.5, 3, -2}; // m = 3, signs +, -, +
        Activation phi = Activation.of("leaky-softplus", 0.5, 1);
        double[] f = new TwoLayerNetwork(x, new double[]{1, -1, 1}, d, 3, phi).outputs(w);
        for (int i = 0; i < n; i++) {
            double expected = (phi.value(w[0] * x[2 * i] + w[1] * x[2 * i + 1])
                    - phi.value(w[2] * x[2 * i] + w[3] * x[2 * i + 1])
                    + phi.value(w[4] * x[2 * i] + w[5] * x[2 * i + 1])) / 3;
            assertThat(f[i]).isCloseTo(expected, within(1e-15));
        }
    }

    @Test
    void hugeWeightsGiveHugeButFiniteRisk() {
        double[] x = {0.6, 0.8, -0.6, -0.8};
        TwoLayerNetwork net = new TwoLayerNetwork(x, new double[]{-1, 1}, 2, 2, Activation.of("leaky-softplus", 0.5, 1));
        double[] w = {1e150, 1e150, -1e150, -1e150};
        Evaluation e = net.evaluate(w, new double[4], null);
        assertThat(e.risk()).isFinite().isGreaterThan(1e149);
        assertThat(e.gradNorm()).isFinite();
        assertThat(e.margin()).isFinite().isNegative();
    }

    @Test
    void parallelAndSequentialChunksAgreeBitForBit() {
        int n = 300;
        int d = 40;
        int m = 64; // 300 * 64 * 40 multiply-adds: parallel path
        double[] x = gaussian(n * d, 0.15, 3);
        TwoLayerNetwork big = new TwoLayerNetwork(x, labels(n), d, m, Activation.of("leaky-gelu", 0.3, 1));
        double[] w = gaussian(m * d, 1, 4);
        double[] g1 = new double[m * d];
        double[] g2 = new double[m * d];
        Evaluation e1 = big.evaluate(w, g1, null);
        Evaluation e2 = big.evaluate(w, g2, null);
        assertThat(g1).containsExactly(g2);
        assertThat(e1).isEqualTo(e2);
        // a subset of rows evaluates the same as a network built on those rows
        int[] rows = {5, 17, 200};
        double[] xs = new double[rows.length * d];
        double[] ys = new double[rows.length];
        for (int k = 0; k < rows.length; k++) {
            System.arraycopy(x, rows[k] * d, xs, k * d, d);
            ys[k] = labels(n)[rows[k]];
        }
        double[] g3 = new double[m * d];
        double[] g4 = new double[m * d];
        Evaluation sub = big.evaluate(w, g3, rows);
        Evaluation direct = new TwoLayerNetwork(xs, ys, d, m, Activation.of("leaky-gelu", 0.3, 1)).evaluate(w, g4, null);
        assertThat(sub.risk()).isCloseTo(direct.risk(), within(1e-15));
        assertThat(g3).containsExactly(g4);
    }
}
