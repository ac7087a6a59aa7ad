package io.suffice.downstream.diffusion;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The schedule and the reverse process with exact posterior means of simple priors. */
class DiffusionSamplerTest {

    @Test
    void scheduleIsGeometricBetweenItsEnds() {
        NoiseSchedule s = new NoiseSchedule(20, 0.05, 5);
        assertThat(s.sigma(0)).isCloseTo(20, within(1e-12));
        assertThat(s.sigma(4)).isCloseTo(0.05, within(1e-12));
        assertThat(s.sigma(1) / s.sigma(0)).isCloseTo(s.sigma(4) / s.sigma(3), within(1e-12));
        SplittableRandom r = new SplittableRandom(1);
        for (int i = 0; i < 1000; i++) {
            assertThat(s.draw(r)).isBetween(0.05, 20.0);
        }
        assertThatThrownBy(() -> new NoiseSchedule(1, 2, 5)).isInstanceOf(IllegalArgumentException.class);
    }

    /** E[x | z, sigma] for leaves i.i.d. uniform on {@code support}. */
    static double[][] posteriorMean(double[][] z, double sigma, int[] support) {
        double[][] m = new double[z.length][z[0].length];
        for (int i = 0; i < z.length; i++) {
            for (int j = 0; j < z[i].length; j++) {
                double max = Double.NEGATIVE_INFINITY;
                double[] lw = new double[support.length];
                for (int k = 0; k < support.length; k++) {
                    lw[k] = -Math.pow(z[i][j] - support[k], 2) / (2 * sigma * sigma);
                    max = Math.max(max, lw[k]);
                }
                double num = 0;
                double den = 0;
                for (int k = 0; k < support.length; k++) {
                    double w = Math.exp(lw[k] - max);
                    num += w * support[k];
                    den += w;
                }
                m[i][j] = num / den;
            }
        }
        return m;
    }

    @Test
    void aPointMassIsRecoveredExactly() {
        DiffusionSampler sampler = new DiffusionSampler(new NoiseSchedule(20, 0.05, 30), 10, 1.0);
        int[][] x = sampler.sample((z, s) -> posteriorMean(z, s, new int[]{7}), 5, 9, new SplittableRandom(3));
        for (int[] row : x) {
            assertThat(row).containsOnly(7);
        }
    }

    @Test
    void ancestralAndDeterministicSamplingReproduceATwoPointPrior() {
        for (double eta : new double[]{1.0, 0.0}) {
            DiffusionSampler sampler = new DiffusionSampler(new NoiseSchedule(20, 0.05, 60), 4, eta);
            int[][] x = sampler.sample((z, s) -> posteriorMean(z, s, new int[]{0, 3}), 100, 20,
                    new SplittableRandom(5));
            int threes = 0;
            for (int[] row : x) {
                for (int v : row) {
                    assertThat(v).as("eta %s", eta).isIn(0, 3);
                    threes += v == 3 ? 1 : 0;
                }
            }
            // 2000 draws of a fair coin: standard deviation 0.011
            assertThat(threes / 2000.0).as("eta %s", eta).isCloseTo(0.5, within(0.05));
        }
    }
}
