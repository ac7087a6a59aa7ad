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

    /**
     * The documented reverse step, checked level by level with a denoiser that is not a posterior mean (so that
     * {@code xhat != z}) and records what it is given: it is called once per level with {@code sigma_k} in order;
     * {@code z_0 = (S-1)/2 + sigma_0 eps}; for eta = 0 (DDIM) {@code z_{k+1} - xhat = (sigma_{k+1}/sigma_k)(z_k - xhat)};
     * for eta = 1 (ancestral) {@code z_{k+1} = xhat + (sigma_{k+1}^2/sigma_k^2)(z_k - xhat) + sigma_{k+1}
     * sqrt(1 - sigma_{k+1}^2/sigma_k^2) eps}; for eta = 0.5 the general form with {@code s = eta sigma_{k+1}
     * sqrt(1 - sigma_{k+1}^2/sigma_k^2)}. The eps are the rng's Gaussians in row-major order, one per leaf at the
     * start and one per leaf and level except the last (none after it); the output is the last level's xhat rounded
     * and clamped to 0..S-1.
     */
    @Test
    void eachStepIsTheDocumentedUpdate() {
        NoiseSchedule schedule = new NoiseSchedule(8, 0.1, 4);
        int states = 5;
        int n = 2;
        int leaves = 3;
        for (double eta : new double[]{0.0, 1.0, 0.5}) {
            java.util.List<double[][]> seen = new java.util.ArrayList<>();
            java.util.List<Double> sigmas = new java.util.ArrayList<>();
            DiffusionSampler.Denoiser d = (z, sigma) -> {
                double[][] copy = new double[z.length][];
                double[][] m = new double[z.length][z[0].length];
                for (int i = 0; i < z.length; i++) {
                    copy[i] = z[i].clone();
                    for (int j = 0; j < z[i].length; j++) {
                        // pushes some leaves above S-1 and below 0 at the end, so that clamping is exercised
                        m[i][j] = 0.6 * z[i][j] + 0.3 * sigma + (j - 1) * 4.0;
                    }
                }
                seen.add(copy);
                sigmas.add(sigma);
                return m;
            };
            SplittableRandom rng = new SplittableRandom(9);
            int[][] out = new DiffusionSampler(schedule, states, eta).sample(d, n, leaves, rng);
            SplittableRandom eps = new SplittableRandom(9);
            assertThat(sigmas).as("eta %s", eta).hasSize(4);
            for (int k = 0; k < 4; k++) {
                assertThat(sigmas.get(k)).isEqualTo(schedule.sigma(k));
            }
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < leaves; j++) {
                    assertThat(seen.get(0)[i][j]).isCloseTo(2.0 + 8 * eps.nextGaussian(), within(1e-12));
                }
            }
            for (int k = 0; k + 1 < 4; k++) {
                double sk = schedule.sigma(k);
                double next = schedule.sigma(k + 1);
                double r = next / sk;
                for (int i = 0; i < n; i++) {
                    for (int j = 0; j < leaves; j++) {
                        double z = seen.get(k)[i][j];
                        double xhat = 0.6 * z + 0.3 * sk + (j - 1) * 4.0;
                        double g = eps.nextGaussian();
                        double want;
                        if (eta == 0) {
                            want = xhat + r * (z - xhat);
                        } else if (eta == 1) {
                            want = xhat + r * r * (z - xhat) + next * Math.sqrt(1 - r * r) * g;
                        } else {
                            double s = eta * next * Math.sqrt(1 - r * r);
                            want = xhat + Math.sqrt(next * next - s * s) / sk * (z - xhat) + s * g;
                        }
                        assertThat(seen.get(k + 1)[i][j]).as("eta %s level %s", eta, k + 1)
                                .isCloseTo(want, within(1e-9));
                    }
                }
            }
            // no draw after the last level: a caller that goes on using the generator continues the same stream
            assertThat(rng.nextLong()).as("eta %s: draws consumed", eta).isEqualTo(eps.nextLong());
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < leaves; j++) {
                    double xhat = 0.6 * seen.get(3)[i][j] + 0.3 * schedule.sigma(3) + (j - 1) * 4.0;
                    assertThat(out[i][j]).isEqualTo((int) Math.max(0, Math.min(states - 1, Math.round(xhat))));
                }
            }
            assertThat(java.util.Arrays.stream(out).flatMapToInt(java.util.Arrays::stream).boxed().toList())
                    .as("eta %s: both clamps are exercised", eta).contains(0, states - 1);
        }
    }

    /**
     * Training scales are log-uniform on [min, max]: log sigma is uniform, so a quarter of 4000 draws lies below
     * {@code min (max/min)^(1/4)} and half below the geometric mean (binomial sd 0.007 and 0.008; bounds 4 sd).
     * The constructor accepts the smallest valid schedule (2 levels) and refuses min = 0 and min = max.
     */
    @Test
    void drawIsLogUniformAndTheConstructorsBoundsAreExact() {
        NoiseSchedule s = new NoiseSchedule(20, 0.05, 2);
        assertThat(s.sigma(1)).isCloseTo(0.05, within(1e-15));
        SplittableRandom r = new SplittableRandom(2);
        int quarter = 0;
        int half = 0;
        double q = 0.05 * Math.pow(400, 0.25);
        double m = Math.sqrt(0.05 * 20);
        for (int i = 0; i < 4000; i++) {
            double v = s.draw(r);
            assertThat(v).isBetween(0.05, 20.0);
            quarter += v < q ? 1 : 0;
            half += v < m ? 1 : 0;
        }
        assertThat(quarter / 4000.0).isCloseTo(0.25, within(0.028));
        assertThat(half / 4000.0).isCloseTo(0.5, within(0.032));
        assertThatThrownBy(() -> new NoiseSchedule(1, 0, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NoiseSchedule(1, 1, 5)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NoiseSchedule(2, 1, 1)).isInstanceOf(IllegalArgumentException.class);
    }
}
