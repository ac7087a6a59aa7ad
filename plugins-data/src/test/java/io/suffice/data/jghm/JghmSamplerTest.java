package io.suffice.data.jghm;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.concurrent.ForkJoinPool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Sampler marginals against exact marginals (chi-square at a fixed seed), pairing, determinism, speed print. */
class JghmSamplerTest {
    /** Chi-square 0.999 quantiles: 9 and 99 degrees of freedom. */
    private static final double CHI2_9 = 27.877;
    private static final double CHI2_99 = 148.23;

    private final JghmModel model = JghmModel.paper(0.2, 7);
    private final JghmSampler sampler = new JghmSampler(model);

    /** Exact marginal of leaf j: uniform root times the T matrices along its path. */
    private static double[] exactLeafMarginal(TreeModel tree, int leaf) {
        int s = tree.states();
        int m = tree.branching();
        int[] pos = new int[tree.depth()];
        int j = leaf;
        for (int d = tree.depth() - 1; d >= 0; d--) {
            pos[d] = j % m;
            j /= m;
        }
        double[] p = new double[s];
        java.util.Arrays.fill(p, 1.0 / s);
        for (int l = 0; l < tree.depth(); l++) {
            double[] q = new double[s];
            for (int a = 0; a < s; a++) {
                for (int b = 0; b < s; b++) {
                    q[b] += p[a] * tree.transition(l, pos[l], a, b);
                }
            }
            p = q;
        }
        return p;
    }

    private static double chiSquare(long[] counts, double[] expectedProb, long n) {
        double x = 0;
        for (int i = 0; i < counts.length; i++) {
            double e = expectedProb[i] * n;
            x += (counts[i] - e) * (counts[i] - e) / e;
        }
        return x;
    }

    @Test
    void leafMarginalsMatchExactMarginals() {
        int n = 20_000;
        JghmSamples d = sampler.paired(n, new SplittableRandom(1));
        for (int leaf : new int[]{0, 13, 40, 80}) {
            long[] ci = new long[10];
            long[] ct = new long[10];
            for (int i = 0; i < n; i++) {
                ci[d.image()[i * 81 + leaf]]++;
                ct[d.text()[i * 81 + leaf]]++;
            }
            assertThat(chiSquare(ci, exactLeafMarginal(model.image(), leaf), n)).as("image leaf %d", leaf)
                    .isLessThan(CHI2_9);
            assertThat(chiSquare(ct, exactLeafMarginal(model.text(), leaf), n)).as("text leaf %d", leaf)
                    .isLessThan(CHI2_9);
        }
        // joint (root, first text leaf) against (1/S) F[y][b], F = prod_l T_tx[l][0]
        double[][] f = new BeliefPropagation(model.text()).firstLeafGivenRoot();
        long[] joint = new long[100];
        double[] expected = new double[100];
        for (int i = 0; i < n; i++) {
            joint[d.textRoot()[i] * 10 + d.text()[i * 81]]++;
        }
        for (int y = 0; y < 10; y++) {
            for (int b = 0; b < 10; b++) {
                expected[y * 10 + b] = f[y][b] / 10;
            }
        }
        // cells with tiny expectation are pooled by dropping them from the statistic (they hold ~nothing)
        double x = 0;
        int cells = 0;
        for (int c = 0; c < 100; c++) {
            double e = expected[c] * n;
            if (e >= 5) {
                x += (joint[c] - e) * (joint[c] - e) / e;
                cells++;
            }
        }
        assertThat(cells).isGreaterThan(10);
        assertThat(x).isLessThan(CHI2_99);
    }

    @Test
    void pairsShareTheRootAndUnpairedRootsAreIndependent() {
        JghmSamples paired = sampler.paired(5_000, new SplittableRandom(2));
        assertThat(paired.textRoot()).isEqualTo(paired.imageRoot());
        int n = 20_000;
        JghmSamples unpaired = sampler.unpaired(n, new SplittableRandom(3));
        long[] counts = new long[100];
        int same = 0;
        for (int i = 0; i < n; i++) {
            counts[unpaired.imageRoot()[i] * 10 + unpaired.textRoot()[i]]++;
            same += unpaired.imageRoot()[i] == unpaired.textRoot()[i] ? 1 : 0;
        }
        double[] uniform = new double[100];
        java.util.Arrays.fill(uniform, 0.01);
        assertThat(chiSquare(counts, uniform, n)).isLessThan(CHI2_99);
        assertThat(same).isLessThan(n / 5);
    }

    @Test
    void noisyImageIsImagePlusGaussianNoise() {
        int n = 4_000;
        JghmSamples d = sampler.paired(n, new SplittableRandom(4));
        double sum = 0;
        double sq = 0;
        int len = d.image().length;
        for (int i = 0; i < len; i++) {
            double e = d.noisyImage()[i] - d.image()[i];
            sum += e;
            sq += e * e;
        }
        assertThat(sum / len).isBetween(-0.01, 0.01);
        assertThat(sq / len).isBetween(0.98, 1.02);
    }

    @Test
    void deterministicForASeedWhateverTheThreadCount() throws Exception {
        JghmSamples a = sampler.paired(3_000, new SplittableRandom(5));
        JghmSamples b = new ForkJoinPool(1).submit(() -> sampler.paired(3_000, new SplittableRandom(5))).get();
        JghmSamples c = sampler.paired(3_000, new SplittableRandom(6));
        assertThat(b.image()).isEqualTo(a.image());
        assertThat(b.text()).isEqualTo(a.text());
        assertThat(b.noisyImage()).isEqualTo(a.noisyImage());
        assertThat(c.image()).isNotEqualTo(a.image());
    }

    @Test
    void candidateGroupsNeedTwoCandidates() {
        assertThat(sampler.candidates(10, 4, new SplittableRandom(1)).n()).isEqualTo(40);
        assertThatThrownBy(() -> sampler.candidates(10, 1, new SplittableRandom(1)))
                .hasMessageContaining("K >= 2");
    }
}
