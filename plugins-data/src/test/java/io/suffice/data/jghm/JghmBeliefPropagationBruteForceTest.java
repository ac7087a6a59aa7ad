package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every BP and oracle quantity against brute-force enumeration of all latent configurations, to 1e-9. */
class JghmBeliefPropagationBruteForceTest {
    private static final double TOL = 1e-9;

    static Stream<JghmModel> models() {
        return Stream.of(
                // balanced S=3, L=2, m=2
                TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 2, 2, 0.4, 0.4, 1.0, 11)),
                // unbalanced: text L=2 m=2, image L=1 m=3, different p
                TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 1, 3, 0.3, 0.6, 0.7, 12)),
                // unbalanced the other way: text L=1 m=3, image L=2 m=2
                TransitionMatrixGenerator.generate(new JghmSpec(3, 1, 3, 2, 2, 0.5, 0.2, 1.3, 13)));
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

    @ParameterizedTest
    @MethodSource("models")
    void upwardPassGivesExactLikelihoodAndPosterior(JghmModel model) {
        SplittableRandom r = new SplittableRandom(1);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            BruteForceTree bf = new BruteForceTree(tree);
            BeliefPropagation bp = new BeliefPropagation(tree);
            for (int trial = 0; trial < 10; trial++) {
                int[] x = randomTokens(r, tree.leaves(), 3);
                if (trial % 3 == 2) {
                    x[r.nextInt(x.length)] = BeliefPropagation.UNOBSERVED;
                }
                UpwardMessages up = bp.upward(x, 0);
                double[] brute = new double[3];
                for (int y = 0; y < 3; y++) {
                    brute[y] = bf.likelihood(y, x);
                    assertThat(Math.exp(up.logRootLikelihood()[y])).isCloseTo(brute[y], within(TOL));
                    assertThat(up.logRootLikelihood()[y]).isCloseTo(Math.log(brute[y]), within(TOL));
                }
                double z = brute[0] + brute[1] + brute[2];
                for (int y = 0; y < 3; y++) {
                    assertThat(up.rootPosterior()[y]).isCloseTo(brute[y] / z, within(TOL));
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void softEvidenceUpwardAndDownwardMatchEnumeration(JghmModel model) {
        SplittableRandom r = new SplittableRandom(2);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            BruteForceTree bf = new BruteForceTree(tree);
            BeliefPropagation bp = new BeliefPropagation(tree);
            for (int trial = 0; trial < 5; trial++) {
                double[][] lambda = new double[tree.leaves()][3];
                double[][] logLambda = new double[tree.leaves()][3];
                for (int j = 0; j < lambda.length; j++) {
                    for (int b = 0; b < 3; b++) {
                        lambda[j][b] = 0.05 + r.nextDouble();
                        logLambda[j][b] = Math.log(lambda[j][b]);
                    }
                }
                double[] factor = {0.2 + r.nextDouble(), 0.2 + r.nextDouble(), 0.2 + r.nextDouble()};
                double[] logFactor = new double[3];
                for (int y = 0; y < 3; y++) {
                    logFactor[y] = Math.log(factor[y]);
                }
                UpwardMessages up = bp.upwardSoft(logLambda);
                for (int y = 0; y < 3; y++) {
                    assertThat(up.logRootLikelihood()[y]).isCloseTo(Math.log(bf.softLikelihood(y, lambda)),
                            within(TOL));
                }
                double[][] exact = bf.leafMarginals(lambda, factor);
                double[][] got = bp.leafMarginals(up, logFactor);
                for (int j = 0; j < exact.length; j++) {
                    double[] single = bp.leafMarginal(up, logFactor, j);
                    for (int b = 0; b < 3; b++) {
                        assertThat(got[j][b]).isCloseTo(exact[j][b], within(TOL));
                        assertThat(single[b]).isCloseTo(exact[j][b], within(TOL));
                    }
                }
                // uniform root factor == null
                double[][] uniform = bf.leafMarginals(lambda, new double[]{1, 1, 1});
                double[][] gotUniform = bp.leafMarginals(up, null);
                assertThat(gotUniform[0][1]).isCloseTo(uniform[0][1], within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void nextTokenPosteriorMatchesEnumeration(JghmModel model) {
        SplittableRandom r = new SplittableRandom(3);
        TreeModel tree = model.text();
        BruteForceTree bf = new BruteForceTree(tree);
        BeliefPropagation bp = new BeliefPropagation(tree);
        int[] x = randomTokens(r, tree.leaves(), 3);
        double[] factor = {0.3, 1.1, 0.6};
        double[] logFactor = {Math.log(0.3), Math.log(1.1), Math.log(0.6)};
        for (int t = 0; t < tree.leaves(); t++) {
            double[] exact = bf.nextToken(x, t, factor);
            double[] got = bp.nextTokenPosterior(x, 0, t, logFactor);
            for (int b = 0; b < 3; b++) {
                assertThat(got[b]).isCloseTo(exact[b], within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void oracleAnswersMatchEnumerationOfTheJointModel(JghmModel model) {
        SplittableRandom r = new SplittableRandom(4);
        JghmBayesOracle oracle = new JghmBayesOracle(model);
        BruteForceTree im = new BruteForceTree(model.image());
        BruteForceTree tx = new BruteForceTree(model.text());
        int s = 3;
        int[][] images = {randomTokens(r, im.leaves, s), randomTokens(r, im.leaves, s), randomTokens(r, im.leaves, s)};
        int[][] texts = {randomTokens(r, tx.leaves, s), randomTokens(r, tx.leaves, s), randomTokens(r, tx.leaves, s)};
        HostTensor imT = tensor(images);
        HostTensor txT = tensor(texts);

        // root messages and posteriors from one and from both sides; s* = log(S <pi_im, pi_tx>) = PMI
        // = log p(im, tx) - log p(im) - log p(tx), root uniform
        double[][] logLikIm = oracle.logRootLikelihood(Modality.IMAGE, imT);
        double[][] rootIm = oracle.rootPosterior(Modality.IMAGE, imT);
        double[][] rootTx = oracle.rootPosterior(Modality.TEXT, txT);
        double[][] rootBoth = oracle.rootPosterior(imT, txT);
        for (int i = 0; i < 3; i++) {
            double pIm = 0;
            double pBoth = 0;
            for (int y = 0; y < s; y++) {
                pIm += im.likelihood(y, images[i]) / s;
                pBoth += im.likelihood(y, images[i]) * tx.likelihood(y, texts[i]) / s;
            }
            for (int y = 0; y < s; y++) {
                assertThat(logLikIm[i][y]).isCloseTo(Math.log(im.likelihood(y, images[i])), within(TOL));
                assertThat(rootIm[i][y]).isCloseTo(im.likelihood(y, images[i]) / s / pIm, within(TOL));
                assertThat(rootBoth[i][y]).isCloseTo(im.likelihood(y, images[i]) * tx.likelihood(y, texts[i]) / s
                        / pBoth, within(TOL));
            }
            for (int j = 0; j < 3; j++) {
                double pTx = 0;
                double joint = 0;
                double overlap = 0;
                for (int y = 0; y < s; y++) {
                    pTx += tx.likelihood(y, texts[j]) / s;
                    joint += im.likelihood(y, images[i]) * tx.likelihood(y, texts[j]) / s;
                    overlap += rootIm[i][y] * rootTx[j][y];
                }
                assertThat(Math.log(s * overlap)).isCloseTo(Math.log(joint / (pIm * pTx)), within(TOL));
            }
        }

        // root-to-leaf messages: P(text leaf t = c | root = y), every leaf
        for (int t = 0; t < tx.leaves; t++) {
            double[][] f = oracle.leafGivenRoot(Modality.TEXT, t);
            for (int c = 0; c < s; c++) {
                int[] only = new int[tx.leaves];
                java.util.Arrays.fill(only, -1);
                only[t] = c;
                for (int y = 0; y < s; y++) {
                    assertThat(f[y][c]).isCloseTo(tx.likelihood(y, only), within(TOL));
                }
            }
        }

        // denoiser: E[x_im | z, x_tx] with Gaussian evidence, with and without the text
        double sigma = model.noiseScale();
        double[] z = new double[im.leaves];
        double[][] lambda = new double[im.leaves][s];
        for (int j = 0; j < im.leaves; j++) {
            z[j] = images[0][j] + sigma * r.nextGaussian();
            for (int b = 0; b < s; b++) {
                lambda[j][b] = Math.exp(-(z[j] - b) * (z[j] - b) / (2 * sigma * sigma));
            }
        }
        double[] textFactor = new double[s];
        for (int y = 0; y < s; y++) {
            textFactor[y] = tx.likelihood(y, texts[0]);
        }
        double[][] exactCond = im.leafMarginals(lambda, textFactor);
        double[][] exactFree = im.leafMarginals(lambda, new double[]{1, 1, 1});
        HostTensor zT = HostTensor.of(z, 1, im.leaves);
        double[] meanCond = oracle.denoiserMean(zT, tensor(texts[0]))[0];
        double[] meanFree = oracle.denoiserMean(zT, null)[0];
        for (int j = 0; j < im.leaves; j++) {
            assertThat(meanCond[j]).isCloseTo(exactCond[j][1] + 2 * exactCond[j][2], within(TOL));
            assertThat(meanFree[j]).isCloseTo(exactFree[j][1] + 2 * exactFree[j][2], within(TOL));
        }

        // next token given the image (and ignoring it)
        double[] imageFactor = new double[s];
        for (int y = 0; y < s; y++) {
            imageFactor[y] = im.likelihood(y, images[0]);
        }
        double[][][] next = oracle.nextTokenPosterior(tensor(texts[0]), tensor(images[0]));
        double[][][] nextFree = oracle.nextTokenPosterior(tensor(texts[0]), null);
        for (int t = 0; t < tx.leaves; t++) {
            double[] exact = tx.nextToken(texts[0], t, imageFactor);
            double[] exactFreeNext = tx.nextToken(texts[0], t, new double[]{1, 1, 1});
            for (int b = 0; b < s; b++) {
                assertThat(next[0][t][b]).isCloseTo(exact[b], within(TOL));
                assertThat(nextFree[0][t][b]).isCloseTo(exactFreeNext[b], within(TOL));
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void levelBeliefsMatchEnumerationAndEndInTheRootPosterior(JghmModel model) {
        SplittableRandom r = new SplittableRandom(5);
        JghmBayesOracle oracle = new JghmBayesOracle(model);
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            BruteForceTree bf = new BruteForceTree(tree);
            int depth = tree.depth();
            int[][] x = {randomTokens(r, bf.leaves, 3), randomTokens(r, bf.leaves, 3), randomTokens(r, bf.leaves, 3)};
            HostTensor got = oracle.levelBeliefs(mod, tensor(x));
            assertThat(got.dtype()).isEqualTo(io.suffice.api.tensor.DType.FLOAT32);
            assertThat(got.shape().dims()).containsExactly(x.length, depth, bf.leaves, 3);
            double[] v = got.toDoubleArray();
            double[][] root = oracle.rootPosterior(mod, tensor(x));
            for (int i = 0; i < x.length; i++) {
                for (int l = 1; l <= depth; l++) {
                    for (int t = 0; t < bf.leaves; t++) {
                        double[] exact = bf.subtreeBelief(l, t, x[i]);
                        int at = ((i * depth + l - 1) * bf.leaves + t) * 3;
                        for (int b = 0; b < 3; b++) {
                            // float32 output: 1e-6 is a few ulps of a probability
                            assertThat(v[at + b]).as("%s example %d height %d leaf %d state %d", mod, i, l, t, b)
                                    .isCloseTo(exact[b], within(1e-6));
                            if (l == depth) {
                                assertThat(v[at + b]).isCloseTo(root[i][b], within(1e-6));
                            }
                        }
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @MethodSource("models")
    void misSpecifiedLevelBeliefsUseTheBeliefMatrices(JghmModel model) {
        JghmModel belief = model.withP(0.05);
        int[] x = randomTokens(new SplittableRandom(6), model.image().leaves(), 3);
        HostTensor wrong = new JghmBayesOracle(model, belief).levelBeliefs(Modality.IMAGE, tensor(x));
        HostTensor own = new JghmBayesOracle(belief).levelBeliefs(Modality.IMAGE, tensor(x));
        HostTensor truth = new JghmBayesOracle(model).levelBeliefs(Modality.IMAGE, tensor(x));
        assertThat(wrong.toDoubleArray()).containsExactly(own.toDoubleArray());
        assertThat(wrong.toDoubleArray()).isNotEqualTo(truth.toDoubleArray());
    }
}
