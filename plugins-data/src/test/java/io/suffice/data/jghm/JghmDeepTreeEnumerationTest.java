package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Belief propagation and the Bayes oracle against exact enumeration ({@link LatentEnumeration}) on trees deeper than
 * {@link JghmBeliefPropagationBruteForceTest} can enumerate: a depth-4 binary tree with 2 states (every layer has its
 * own matrices, so a message that uses the wrong layer's or the wrong position's matrix changes the answer, which it
 * need not at depth <= 2), and unbalanced pairs whose image and text trees differ in depth and branching (4/2 with
 * 2/3, 1/5 with 3/3, 3/2 with 2/2 at 3 states). Law checked everywhere: BP's marginals, likelihoods and every oracle
 * answer equal the sums over all latent assignments, to 1e-9 (1e-6 for the float32 level beliefs).
 */
class JghmDeepTreeEnumerationTest {
    private static final double TOL = 1e-9;

    static Stream<JghmModel> models() {
        return Stream.of(
                // depth 4, branching 2, 2 states, both trees (text p != image p)
                TransitionMatrixGenerator.generate(new JghmSpec(2, 4, 2, 4, 2, 0.3, 0.2, 0.8, 21)),
                // unbalanced: text depth 4 / m 2, image depth 2 / m 3
                TransitionMatrixGenerator.generate(new JghmSpec(2, 4, 2, 2, 3, 0.4, 0.1, 1.1, 22)),
                // unbalanced the other way: text depth 1 / m 5, image depth 3 / m 3
                TransitionMatrixGenerator.generate(new JghmSpec(2, 1, 5, 3, 3, 0.25, 0.5, 0.9, 23)),
                // 3 states at depth 3
                TransitionMatrixGenerator.generate(new JghmSpec(3, 3, 2, 2, 2, 0.35, 0.45, 1.0, 24)));
    }

    private static int[] randomTokens(SplittableRandom r, int n, int s) {
        int[] x = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = r.nextInt(s);
        }
        return x;
    }

    private static HostTensor tensor(int[]... rows) {
        long[] flat = new long[rows.length * rows[0].length];
        for (int i = 0; i < rows.length; i++) {
            for (int j = 0; j < rows[i].length; j++) {
                flat[i * rows[i].length + j] = rows[i][j];
            }
        }
        return HostTensor.of(flat, rows.length, rows[0].length);
    }

    private static double[] ones(int s) {
        double[] a = new double[s];
        java.util.Arrays.fill(a, 1);
        return a;
    }

    @ParameterizedTest
    @MethodSource("models")
    void upwardPassGivesExactLikelihoodAndPosterior(JghmModel model) {
        SplittableRandom r = new SplittableRandom(31);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            int s = tree.states();
            LatentEnumeration en = new LatentEnumeration(tree);
            BeliefPropagation bp = new BeliefPropagation(tree);
            for (int trial = 0; trial < 4; trial++) {
                int[] x = randomTokens(r, tree.leaves(), s);
                if (trial % 2 == 1) {
                    x[r.nextInt(x.length)] = BeliefPropagation.UNOBSERVED;
                    x[r.nextInt(x.length)] = BeliefPropagation.UNOBSERVED;
                }
                UpwardMessages up = bp.upward(x, 0);
                double[] exact = en.likelihood(x);
                double z = 0;
                for (int y = 0; y < s; y++) {
                    z += exact[y];
                    assertThat(up.logRootLikelihood()[y]).as("%s trial %d root %d", mod, trial, y)
                            .isCloseTo(Math.log(exact[y]), within(TOL));
                }
                for (int y = 0; y < s; y++) {
                    assertThat(up.rootPosterior()[y]).isCloseTo(exact[y] / z, within(TOL));
                }
            }
            // the batched pass agrees with the single one on every row
            int[] two = new int[2 * tree.leaves()];
            int[] a = randomTokens(r, tree.leaves(), s);
            int[] b = randomTokens(r, tree.leaves(), s);
            System.arraycopy(a, 0, two, 0, a.length);
            System.arraycopy(b, 0, two, a.length, b.length);
            double[][] batched = bp.logRootLikelihoods(two, 2);
            double[] ea = en.likelihood(a);
            double[] eb = en.likelihood(b);
            for (int y = 0; y < s; y++) {
                assertThat(batched[0][y]).isCloseTo(Math.log(ea[y]), within(TOL));
                assertThat(batched[1][y]).isCloseTo(Math.log(eb[y]), within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void softEvidenceLeafMarginalsMatchEnumeration(JghmModel model) {
        SplittableRandom r = new SplittableRandom(32);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            int s = tree.states();
            LatentEnumeration en = new LatentEnumeration(tree);
            BeliefPropagation bp = new BeliefPropagation(tree);
            double[][] lambda = new double[tree.leaves()][s];
            double[][] logLambda = new double[tree.leaves()][s];
            for (int j = 0; j < lambda.length; j++) {
                for (int b = 0; b < s; b++) {
                    lambda[j][b] = 0.05 + r.nextDouble();
                    logLambda[j][b] = Math.log(lambda[j][b]);
                }
            }
            double[] factor = new double[s];
            double[] logFactor = new double[s];
            for (int y = 0; y < s; y++) {
                factor[y] = 0.2 + r.nextDouble();
                logFactor[y] = Math.log(factor[y]);
            }
            UpwardMessages up = bp.upwardSoft(logLambda);
            double[] soft = en.softLikelihood(lambda);
            for (int y = 0; y < s; y++) {
                assertThat(up.logRootLikelihood()[y]).isCloseTo(Math.log(soft[y]), within(TOL));
            }
            double[][] exact = en.leafMarginals(lambda, factor);
            double[][] exactUniform = en.leafMarginals(lambda, ones(s));
            double[][] got = bp.leafMarginals(up, logFactor);
            double[][] gotUniform = bp.leafMarginals(up, null);
            for (int j = 0; j < exact.length; j++) {
                double[] single = bp.leafMarginal(up, logFactor, j);
                for (int b = 0; b < s; b++) {
                    assertThat(got[j][b]).as("%s leaf %d state %d", mod, j, b).isCloseTo(exact[j][b], within(TOL));
                    assertThat(single[b]).as("%s leaf %d state %d", mod, j, b).isCloseTo(exact[j][b], within(TOL));
                    assertThat(gotUniform[j][b]).isCloseTo(exactUniform[j][b], within(TOL));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void hardEvidenceMarginalsArePointMassesWhereObserved(JghmModel model) {
        // an observed leaf's posterior is the point mass on its value; an unobserved one's is the enumerated marginal
        SplittableRandom r = new SplittableRandom(36);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            int s = tree.states();
            LatentEnumeration en = new LatentEnumeration(tree);
            BeliefPropagation bp = new BeliefPropagation(tree);
            int[] x = randomTokens(r, tree.leaves(), s);
            x[tree.leaves() - 1] = BeliefPropagation.UNOBSERVED;
            double[][] got = bp.leafMarginals(bp.upward(x, 0), null);
            double[][] exact = en.leafMarginals(en.hard(x), ones(s));
            for (int j = 0; j < tree.leaves(); j++) {
                for (int b = 0; b < s; b++) {
                    double want = x[j] < 0 ? exact[j][b] : (b == x[j] ? 1 : 0);
                    assertThat(got[j][b]).as("%s leaf %d state %d", mod, j, b).isCloseTo(want, within(TOL));
                }
            }
            int[] bad = x.clone();
            bad[0] = s;
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> bp.upward(bad, 0))
                    .hasMessageContaining("token 0 = " + s + " is outside 0.." + (s - 1));
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void nextTokenPosteriorMatchesEnumeration(JghmModel model) {
        TreeModel tree = model.text();
        int s = tree.states();
        LatentEnumeration en = new LatentEnumeration(tree);
        BeliefPropagation bp = new BeliefPropagation(tree);
        int[] x = randomTokens(new SplittableRandom(33), tree.leaves(), s);
        double[] factor = new double[s];
        double[] logFactor = new double[s];
        for (int y = 0; y < s; y++) {
            factor[y] = 0.3 + 0.5 * y;
            logFactor[y] = Math.log(factor[y]);
        }
        for (int t = 0; t < tree.leaves(); t++) {
            double[] exact = en.nextToken(x, t, factor);
            double[] got = bp.nextTokenPosterior(x, 0, t, logFactor);
            for (int b = 0; b < s; b++) {
                assertThat(got[b]).as("token %d state %d", t, b).isCloseTo(exact[b], within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void firstLeafGivenRootIsTheMarginalOfLeafZero(JghmModel model) {
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            int s = tree.states();
            LatentEnumeration en = new LatentEnumeration(tree);
            double[][] f = new BeliefPropagation(tree).firstLeafGivenRoot();
            for (int b = 0; b < s; b++) {
                int[] only = new int[tree.leaves()];
                java.util.Arrays.fill(only, -1);
                only[0] = b;
                double[] exact = en.likelihood(only);
                for (int y = 0; y < s; y++) {
                    assertThat(f[y][b]).isCloseTo(exact[y], within(TOL));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void oracleAnswersMatchEnumerationOfTheJointModel(JghmModel model) {
        SplittableRandom r = new SplittableRandom(34);
        JghmBayesOracle oracle = new JghmBayesOracle(model);
        LatentEnumeration im = new LatentEnumeration(model.image());
        LatentEnumeration tx = new LatentEnumeration(model.text());
        int s = model.states();
        int n = 3;
        int[][] images = new int[n][];
        int[][] texts = new int[n][];
        double[][] likIm = new double[n][];
        double[][] likTx = new double[n][];
        for (int i = 0; i < n; i++) {
            images[i] = randomTokens(r, im.leaves, s);
            texts[i] = randomTokens(r, tx.leaves, s);
            likIm[i] = im.likelihood(images[i]);
            likTx[i] = tx.likelihood(texts[i]);
        }
        // root messages, posteriors from one and from both sides, and s* = log(S <pi_im, pi_tx>) = PMI
        // = log p(im, tx) - log p(im) - log p(tx), uniform root
        double[][] logLikIm = oracle.logRootLikelihood(Modality.IMAGE, tensor(images));
        double[][] logLikTx = oracle.logRootLikelihood(Modality.TEXT, tensor(texts));
        double[][] rootIm = oracle.rootPosterior(Modality.IMAGE, tensor(images));
        double[][] rootTx = oracle.rootPosterior(Modality.TEXT, tensor(texts));
        double[][] logRootIm = oracle.logRootPosterior(Modality.IMAGE, tensor(images));
        double[][] rootBoth = oracle.rootPosterior(tensor(images), tensor(texts));
        for (int i = 0; i < n; i++) {
            double pIm = 0;
            double pTx = 0;
            double pBoth = 0;
            for (int y = 0; y < s; y++) {
                pIm += likIm[i][y] / s;
                pTx += likTx[i][y] / s;
                pBoth += likIm[i][y] * likTx[i][y] / s;
            }
            for (int y = 0; y < s; y++) {
                assertThat(logLikIm[i][y]).isCloseTo(Math.log(likIm[i][y]), within(TOL));
                assertThat(logLikTx[i][y]).isCloseTo(Math.log(likTx[i][y]), within(TOL));
                assertThat(rootIm[i][y]).isCloseTo(likIm[i][y] / s / pIm, within(TOL));
                assertThat(logRootIm[i][y]).isCloseTo(Math.log(likIm[i][y] / s / pIm), within(TOL));
                assertThat(rootTx[i][y]).isCloseTo(likTx[i][y] / s / pTx, within(TOL));
                assertThat(rootBoth[i][y]).isCloseTo(likIm[i][y] * likTx[i][y] / s / pBoth, within(TOL));
            }
            for (int j = 0; j < n; j++) {
                double pj = 0;
                double joint = 0;
                double overlap = 0;
                for (int y = 0; y < s; y++) {
                    pj += likTx[j][y] / s;
                    joint += likIm[i][y] * likTx[j][y] / s;
                    overlap += rootIm[i][y] * rootTx[j][y];
                }
                assertThat(Math.log(s * overlap)).as("s*(%d, %d)", i, j)
                        .isCloseTo(Math.log(joint / (pIm * pj)), within(TOL));
            }
        }

        // root-to-leaf messages: P(leaf t = c | root = y) for every leaf of both trees
        for (Modality mod : Modality.values()) {
            LatentEnumeration tree = mod == Modality.IMAGE ? im : tx;
            for (int t = 0; t < tree.leaves; t++) {
                double[][] f = oracle.leafGivenRoot(mod, t);
                for (int c = 0; c < s; c++) {
                    int[] only = new int[tree.leaves];
                    java.util.Arrays.fill(only, -1);
                    only[t] = c;
                    double[] lik = tree.likelihood(only);
                    for (int y = 0; y < s; y++) {
                        assertThat(f[y][c]).as("%s leaf %d = %d | root %d", mod.label(), t, c, y)
                                .isCloseTo(lik[y], within(TOL));
                    }
                }
            }
        }

        // denoiser E[x_im | z, x_tx], Gaussian evidence, with and without the text
        double sigma = model.noiseScale();
        double[] z = new double[im.leaves];
        double[][] lambda = new double[im.leaves][s];
        for (int j = 0; j < im.leaves; j++) {
            z[j] = images[0][j] + sigma * r.nextGaussian();
            for (int b = 0; b < s; b++) {
                lambda[j][b] = Math.exp(-(z[j] - b) * (z[j] - b) / (2 * sigma * sigma));
            }
        }
        double[][] exactCond = im.leafMarginals(lambda, likTx[0]);
        double[][] exactFree = im.leafMarginals(lambda, ones(s));
        HostTensor zT = HostTensor.of(z, 1, im.leaves);
        double[] meanCond = oracle.denoiserMean(zT, tensor(texts[0]))[0];
        double[] meanFree = oracle.denoiserMean(zT, null)[0];
        for (int j = 0; j < im.leaves; j++) {
            double wantCond = 0;
            double wantFree = 0;
            for (int b = 0; b < s; b++) {
                wantCond += b * exactCond[j][b];
                wantFree += b * exactFree[j][b];
            }
            assertThat(meanCond[j]).isCloseTo(wantCond, within(TOL));
            assertThat(meanFree[j]).isCloseTo(wantFree, within(TOL));
        }

        // next text token given the image, and ignoring it
        double[][][] next = oracle.nextTokenPosterior(tensor(texts[0]), tensor(images[0]));
        double[][][] nextFree = oracle.nextTokenPosterior(tensor(texts[0]), null);
        for (int t = 0; t < tx.leaves; t++) {
            double[] exact = tx.nextToken(texts[0], t, likIm[0]);
            double[] exactFreeNext = tx.nextToken(texts[0], t, ones(s));
            for (int b = 0; b < s; b++) {
                assertThat(next[0][t][b]).isCloseTo(exact[b], within(TOL));
                assertThat(nextFree[0][t][b]).isCloseTo(exactFreeNext[b], within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void levelBeliefsMatchEnumerationAtEveryHeight(JghmModel model) {
        SplittableRandom r = new SplittableRandom(35);
        JghmBayesOracle oracle = new JghmBayesOracle(model);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            int s = tree.states();
            LatentEnumeration en = new LatentEnumeration(tree);
            int depth = tree.depth();
            int[][] x = {randomTokens(r, en.leaves, s), randomTokens(r, en.leaves, s)};
            double[] v = oracle.levelBeliefs(mod, tensor(x)).toDoubleArray();
            assertThat(v).hasSize(x.length * depth * en.leaves * s);
            for (int i = 0; i < x.length; i++) {
                for (int l = 1; l <= depth; l++) {
                    for (int t = 0; t < en.leaves; t++) {
                        double[] exact = en.subtreeBelief(l, t, x[i]);
                        int at = ((i * depth + l - 1) * en.leaves + t) * s;
                        for (int b = 0; b < s; b++) {
                            // float32 output: 1e-6 is a few ulps of a probability
                            assertThat(v[at + b]).as("%s example %d height %d leaf %d state %d", mod, i, l, t, b)
                                    .isCloseTo(exact[b], within(1e-6));
                        }
                    }
                }
            }
        }
    }
}
