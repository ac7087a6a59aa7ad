package io.suffice.downstream.probe;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SoftmaxProbeTest {
    private static double[][] features(int n, int d, SplittableRandom rng) {
        double[][] x = new double[n][d];
        for (double[] row : x) {
            for (int j = 0; j < d; j++) {
                row[j] = rng.nextGaussian();
            }
        }
        return x;
    }

    @Test
    void gradientMatchesCentralFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(1);
        double[][] x = features(7, 3, rng);
        int[] y = {0, 1, 2, 1, 0, 2, 2};
        double[] theta = new double[3 * 4];
        for (int i = 0; i < theta.length; i++) {
            theta[i] = rng.nextGaussian();
        }
        double[] grad = new double[theta.length];
        SoftmaxProbe.lossAndGradient(theta, x, y, 3, 0.3, grad);
        double h = 1e-6;
        for (int k = 0; k < theta.length; k++) {
            double[] plus = theta.clone();
            double[] minus = theta.clone();
            plus[k] += h;
            minus[k] -= h;
            double fd = (SoftmaxProbe.lossAndGradient(plus, x, y, 3, 0.3, new double[theta.length])
                    - SoftmaxProbe.lossAndGradient(minus, x, y, 3, 0.3, new double[theta.length])) / (2 * h);
            assertThat(grad[k]).as("d loss / d theta[%d]", k).isCloseTo(fd, within(1e-7));
        }
    }

    @Test
    void recoversTheBayesClassifierOfALogisticModel() {
        // Labels drawn from a known softmax model: the fitted probe's cross-entropy on fresh data approaches the
        // true conditional entropy, which the true parameters attain.
        SplittableRandom rng = new SplittableRandom(7);
        double[] truth = {2, -1, 0.5, 0, 0, 0, -1, 1.5, -0.5};  // 3 classes x (2 features + bias)
        int n = 4000;
        double[][] x = features(n, 2, rng);
        int[] y = sample(truth, x, rng);
        SoftmaxProbe probe = SoftmaxProbe.fit(x, y, 3, 0, 2000, 1e-8);
        double[][] xt = features(n, 2, rng);
        int[] yt = sample(truth, xt, rng);
        double optimal = 0;
        for (int i = 0; i < n; i++) {
            optimal -= logSoftmax(truth, xt[i])[yt[i]];
        }
        optimal /= n;
        assertThat(probe.crossEntropy(xt, yt)).isCloseTo(optimal, within(0.02));
        assertThat(probe.accuracy(xt, yt)).isGreaterThan(0.6);
    }

    private static int[] sample(double[] theta, double[][] x, SplittableRandom rng) {
        int[] y = new int[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] lp = logSoftmax(theta, x[i]);
            double u = rng.nextDouble();
            int c = 0;
            for (double acc = Math.exp(lp[0]); acc < u && c < 2; acc += Math.exp(lp[++c])) {
                // walk the cumulative distribution
            }
            y[i] = c;
        }
        return y;
    }

    private static double[] logSoftmax(double[] theta, double[] x) {
        double[] z = new double[3];
        for (int c = 0; c < 3; c++) {
            z[c] = theta[c * 3] * x[0] + theta[c * 3 + 1] * x[1] + theta[c * 3 + 2];
        }
        double lse = SoftmaxProbe.logSumExp(z);
        for (int c = 0; c < 3; c++) {
            z[c] -= lse;
        }
        return z;
    }

    @Test
    void promptCountFitRecoversAnExactCurve() {
        double[] m = {1, 2, 5, 10, 50};
        double[] r = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            r[i] = 0.8 / m[i] + 1.3;
        }
        PromptCountFit fit = PromptCountFit.fit(m, r);
        assertThat(fit.a()).isCloseTo(0.8, within(1e-12));
        assertThat(fit.b()).isCloseTo(1.3, within(1e-12));
        assertThat(fit.predict(4)).isCloseTo(1.5, within(1e-12));
    }
}
