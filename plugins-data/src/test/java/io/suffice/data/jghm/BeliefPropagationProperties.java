package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Laws of belief propagation on random trees (S, L, m small enough to enumerate; transition rows from uniform to
 * nearly deterministic, with exact zeros) under random evidence (each leaf observed or not, observed values drawn
 * from the model so the evidence has positive probability): every leaf marginal and the root posterior is a
 * probability vector (finite, in [0, 1], summing to 1); an observed leaf's marginal is the point mass at its token;
 * the one-leaf path pass equals the full downward pass; and all of it equals brute-force enumeration.
 */
class BeliefPropagationProperties {

    @Property(tries = 200)
    void marginalsAreNormalisedAndEqualEnumeration(@ForAll @IntRange(min = 1, max = 4) int states,
                                                   @ForAll @IntRange(min = 1, max = 3) int depth,
                                                   @ForAll @IntRange(min = 1, max = 3) int branching,
                                                   @ForAll long seed) {
        // enumeration visits S^(nodes) assignments: keep it small
        int nodes = 0;
        for (int d = 0, w = 1; d <= depth; d++, w *= branching) {
            nodes += w;
        }
        if (Math.pow(states, nodes) > 300_000) {
            depth = 1;
            branching = Math.min(branching, 2);
        }
        Random r = new Random(seed);
        TreeModel tree = new TreeModel(Modality.TEXT, states, depth, branching, matrices(r, depth, branching, states));
        BeliefPropagation bp = new BeliefPropagation(tree);
        int[] tokens = evidence(r, tree);

        UpwardMessages up = bp.upward(tokens, 0);
        double[][] marginals = bp.leafMarginals(up, null);
        assertProbabilities(up.rootPosterior());
        double[][] lambda = new double[tree.leaves()][states];
        for (int j = 0; j < tree.leaves(); j++) {
            assertProbabilities(marginals[j]);
            assertThat(bp.leafMarginal(up, null, j)).containsExactly(marginals[j], within(1e-12));
            if (tokens[j] != BeliefPropagation.UNOBSERVED) {
                assertThat(marginals[j][tokens[j]]).isCloseTo(1.0, within(1e-12));
                lambda[j][tokens[j]] = 1;
            } else {
                java.util.Arrays.fill(lambda[j], 1);
            }
        }
        double[] uniform = new double[states];
        java.util.Arrays.fill(uniform, 1.0 / states);
        double[][] reference = new BruteForceTree(tree).leafMarginals(lambda, uniform);
        for (int j = 0; j < tree.leaves(); j++) {
            assertThat(marginals[j]).containsExactly(reference[j], within(1e-9));
        }
    }

    /** Row-stochastic matrices: some rows uniform, some peaked, some with exact zeros (never an all-zero row). */
    private static double[][][][] matrices(Random r, int depth, int m, int s) {
        double[][][][] t = new double[depth][m][s][s];
        for (double[][][] layer : t) {
            for (double[][] pos : layer) {
                for (double[] row : pos) {
                    double sum = 0;
                    int kind = r.nextInt(3);
                    for (int b = 0; b < s; b++) {
                        row[b] = kind == 0 ? 1 : kind == 1 ? Math.pow(r.nextDouble(), 8) : (r.nextBoolean() ? 0 : r.nextDouble());
                    }
                    if (java.util.Arrays.stream(row).sum() == 0) {
                        row[r.nextInt(s)] = 1;
                    }
                    for (double v : row) {
                        sum += v;
                    }
                    for (int b = 0; b < s; b++) {
                        row[b] /= sum;
                    }
                }
            }
        }
        return t;
    }

    /** Leaves sampled from the model under a uniform root, each then hidden with probability 1/2. */
    private static int[] evidence(Random r, TreeModel tree) {
        int s = tree.states();
        int m = tree.branching();
        int[] level = {r.nextInt(s)};
        for (int d = 0; d < tree.depth(); d++) {
            int[] next = new int[level.length * m];
            for (int u = 0; u < level.length; u++) {
                for (int c = 0; c < m; c++) {
                    double x = r.nextDouble();
                    int b = 0;
                    double acc = tree.transition(d, c, level[u], 0);
                    while (x >= acc && b < s - 1) {
                        acc += tree.transition(d, c, level[u], ++b);
                    }
                    // a value of probability 0 is never drawn, even where rounding leaves acc below 1
                    while (tree.transition(d, c, level[u], b) == 0) {
                        b = (b + s - 1) % s;
                    }
                    next[u * m + c] = b;
                }
            }
            level = next;
        }
        for (int j = 0; j < level.length; j++) {
            if (r.nextBoolean()) {
                level[j] = BeliefPropagation.UNOBSERVED;
            }
        }
        return level;
    }

    private static void assertProbabilities(double[] p) {
        double sum = 0;
        for (double v : p) {
            assertThat(v).isFinite().isBetween(0.0, 1.0 + 1e-12);
            sum += v;
        }
        assertThat(sum).isCloseTo(1.0, within(1e-12));
    }
}
