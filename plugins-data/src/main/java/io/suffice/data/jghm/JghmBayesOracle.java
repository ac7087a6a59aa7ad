package io.suffice.data.jghm;

import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisks;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The JGHM's exact Bayes answers by {@link BeliefPropagation} (paper secs. 2-4). Two models: {@code truth} generates
 * the data of {@link #estimateRisks}; {@code belief} is the one BP runs with. They are equal for the true Bayes
 * answers; a belief with another flip probability gives the mis-specified predictor of the shift-in-p comparison
 * (the question answered is then "how well does BP with the wrong matrices do on the true data").
 * <p>
 * Quantities, with {@code pi_M} the root posterior from modality M and {@code h_M = p(x_M | y)}:
 * optimal score {@code s* = log(S <pi_im, pi_tx>)}; zero-shot posterior {@code pi_im^T prod_l T_tx[l][0]};
 * denoiser {@code E[x_im | z, x_tx]} from Gaussian leaf evidence {@code exp(-(z-b)^2 / 2 sigma^2)} and root factor
 * {@code h_tx}; next-token posterior from the prefix and root factor {@code h_im}. The next-token risk uses the chain
 * rule {@code sum_{t>=1} -log Q(x_t | x_<t, x_im) = log Q(x_0 | x_im) - log Q(x | x_im)}, exact for BP's own model.
 * Immutable and thread-safe; batch methods run examples in parallel.
 */
public final class JghmBayesOracle implements BayesOracle {
    private static final int CHUNK = 256;

    private final JghmModel truth;
    private final JghmModel belief;
    private final BeliefPropagation bpText;
    private final BeliefPropagation bpImage;
    private final double[][] firstLeaf;
    private final double[] firstLeafMarginal;

    /** Oracle of the true model (BP with the data's own matrices). */
    public JghmBayesOracle(JghmModel model) {
        this(model, model);
    }

    /** Oracle whose BP uses {@code belief}'s matrices while data come from {@code truth} (same shapes). */
    public JghmBayesOracle(JghmModel truth, JghmModel belief) {
        for (Modality mod : Modality.values()) {
            TreeModel a = truth.tree(mod);
            TreeModel b = belief.tree(mod);
            if (a.states() != b.states() || a.depth() != b.depth() || a.branching() != b.branching()) {
                throw new IllegalArgumentException(mod.label() + " trees of truth and belief differ in shape");
            }
        }
        this.truth = truth;
        this.belief = belief;
        this.bpText = new BeliefPropagation(belief.text());
        this.bpImage = new BeliefPropagation(belief.image());
        this.firstLeaf = bpText.firstLeafGivenRoot();
        int s = belief.states();
        this.firstLeafMarginal = new double[s];
        for (int y = 0; y < s; y++) {
            for (int b = 0; b < s; b++) {
                firstLeafMarginal[b] += firstLeaf[y][b] / s;
            }
        }
    }

    public JghmModel truth() {
        return truth;
    }

    public JghmModel belief() {
        return belief;
    }

    private BeliefPropagation bp(Modality m) {
        return m == Modality.TEXT ? bpText : bpImage;
    }

    @Override
    public int states() {
        return belief.states();
    }

    @Override
    public int leaves(Modality modality) {
        return belief.tree(modality).leaves();
    }

    @Override
    public double noiseScale() {
        return truth.noiseScale();
    }

    @Override
    public double[][] rootPosterior(Modality modality, HostTensor tokens) {
        int[] x = tokens(tokens, leaves(modality), modality.label());
        int n = x.length / leaves(modality);
        double[][] out = new double[n][];
        parallel(n, i -> out[i] = bp(modality).upward(x, i * leaves(modality)).rootPosterior());
        return out;
    }

    /**
     * {@inheritDoc}
     * <p>
     * From one {@link BeliefPropagation#upward} pass per example (its {@code logH} numbers nodes level by level from
     * the root), run with the belief matrices; examples in parallel.
     */
    @Override
    public HostTensor levelBeliefs(Modality modality, HostTensor tokens) {
        TreeModel tree = belief.tree(modality);
        int leaves = tree.leaves();
        int depth = tree.depth();
        int m = tree.branching();
        int s = states();
        if (tokens.shape().rank() != 2) {
            throw new IllegalArgumentException(modality.label() + " tokens must be int64 [n, " + leaves + "], got "
                    + tokens);
        }
        int[] x = tokens(tokens, leaves, modality.label());
        int n = x.length / leaves;
        // first node index of each level (level d has m^d nodes), as in UpwardMessages' numbering
        int[] levelStart = new int[depth + 1];
        for (int d = 1; d <= depth; d++) {
            levelStart[d] = levelStart[d - 1] + tree.levelSize(d - 1);
        }
        float[] out = new float[n * depth * leaves * s];
        parallel(n, i -> {
            double[][] logH = bp(modality).upward(x, i * leaves).logH();
            int span = 1;                                             // m^l leaves share one ancestor at height l
            for (int l = 1; l <= depth; l++) {
                span *= m;
                int level = depth - l;
                int base = ((i * depth) + (l - 1)) * leaves * s;
                for (int j = 0; j < tree.levelSize(level); j++) {
                    double[] q = LogMath.normalize(logH[levelStart[level] + j]);
                    for (int t = j * span; t < (j + 1) * span; t++) {
                        for (int b = 0; b < s; b++) {
                            out[base + t * s + b] = (float) q[b];
                        }
                    }
                }
            }
        });
        return HostTensor.of(out, n, depth, leaves, s);
    }

    /** {@code log pi(y | x)} for each example of a flat token array. */
    double[][] logRootPosteriors(Modality modality, int[] x) {
        double[][] out = bp(modality).logRootLikelihoods(x, x.length / leaves(modality));
        for (int i = 0; i < out.length; i++) {
            out[i] = LogMath.logNormalize(out[i]);
        }
        return out;
    }

    /** {@code s* = log S + log sum_y pi_im(y) pi_tx(y)} from log posteriors. */
    double optimalScore(double[] logPiIm, double[] logPiTx) {
        return Math.log(states()) + LogMath.logSumExp(logPiIm, logPiTx);
    }

    @Override
    public double[][] optimalScores(HostTensor image, HostTensor text) {
        double[][] pi = logRootPosteriors(Modality.IMAGE, tokens(image, leaves(Modality.IMAGE), "image"));
        double[][] pt = logRootPosteriors(Modality.TEXT, tokens(text, leaves(Modality.TEXT), "text"));
        double[][] out = new double[pi.length][pt.length];
        parallel(pi.length, i -> {
            for (int j = 0; j < pt.length; j++) {
                out[i][j] = optimalScore(pi[i], pt[j]);
            }
        });
        return out;
    }

    @Override
    public double[] contrastiveLosses(HostTensor image, HostTensor text) {
        if (image.shape().rank() != 3 || !image.shape().equals(text.shape().withDim(2, image.shape().dim(2)))) {
            throw new IllegalArgumentException("expected image [n, K, leaves] and text [n, K, leaves], got " + image
                    + " and " + text);
        }
        int k = (int) image.shape().dim(1);
        double[][] pi = logRootPosteriors(Modality.IMAGE, tokens(image, leaves(Modality.IMAGE), "image"));
        double[][] pt = logRootPosteriors(Modality.TEXT, tokens(text, leaves(Modality.TEXT), "text"));
        double[] out = new double[pi.length / k];
        for (int g = 0; g < out.length; g++) {
            out[g] = groupLoss(pi, pt, g * k, k);
        }
        return out;
    }

    /** Symmetric K-candidate loss of group rows {@code first .. first+k-1}, row {@code first} positive. */
    private double groupLoss(double[][] logPiIm, double[][] logPiTx, int first, int k) {
        double[] rowScores = new double[k];
        double[] colScores = new double[k];
        for (int j = 0; j < k; j++) {
            rowScores[j] = optimalScore(logPiIm[first], logPiTx[first + j]);
            colScores[j] = optimalScore(logPiIm[first + j], logPiTx[first]);
        }
        return LogMath.logSumExp(rowScores) - rowScores[0] + LogMath.logSumExp(colScores) - colScores[0];
    }

    @Override
    public double[][] zeroShotPosterior(HostTensor image) {
        if (image == null) {
            return new double[][]{firstLeafMarginal.clone()};
        }
        int[] x = tokens(image, leaves(Modality.IMAGE), "image");
        double[][] out = new double[x.length / leaves(Modality.IMAGE)][];
        parallel(out.length, i -> out[i] = zeroShot(bpImage.upward(x, i * leaves(Modality.IMAGE)).rootPosterior()));
        return out;
    }

    private double[] zeroShot(double[] pi) {
        int s = states();
        double[] q = new double[s];
        for (int y = 0; y < s; y++) {
            for (int b = 0; b < s; b++) {
                q[b] += pi[y] * firstLeaf[y][b];
            }
        }
        return q;
    }

    @Override
    public double[][] denoiserMean(HostTensor noisyImage, HostTensor text) {
        int li = leaves(Modality.IMAGE);
        double[] z = noisyImage.toDoubleArray();
        if (noisyImage.shape().rank() != 2 || noisyImage.shape().dim(1) != li) {
            throw new IllegalArgumentException("expected noisy image [n, " + li + "], got " + noisyImage);
        }
        int n = z.length / li;
        int[] tx = text == null ? null : tokens(text, leaves(Modality.TEXT), "text");
        if (tx != null && tx.length / leaves(Modality.TEXT) != n) {
            throw new IllegalArgumentException("noisy image has " + n + " rows, text " + text.shape().dim(0));
        }
        double[][] out = new double[n][];
        parallel(n, i -> {
            double[] factor = tx == null ? null : bpText.upward(tx, i * leaves(Modality.TEXT)).logH()[0];
            out[i] = posteriorMean(bpImage.leafMarginals(bpImage.upwardSoft(gaussianEvidence(z, i * li)), factor));
        });
        return out;
    }

    /** {@code log lambda_j(b) = -(z_j - b)^2 / (2 sigma^2)} for the leaves of one example. */
    double[][] gaussianEvidence(double[] z, int off) {
        int li = leaves(Modality.IMAGE);
        int s = states();
        double inv = 1 / (2 * noiseScale() * noiseScale());
        double[][] ev = new double[li][s];
        for (int j = 0; j < li; j++) {
            for (int b = 0; b < s; b++) {
                double d = z[off + j] - b;
                ev[j][b] = -d * d * inv;
            }
        }
        return ev;
    }

    private static double[] posteriorMean(double[][] marginals) {
        double[] mean = new double[marginals.length];
        for (int j = 0; j < marginals.length; j++) {
            double acc = 0;
            for (int b = 0; b < marginals[j].length; b++) {
                acc += b * marginals[j][b];
            }
            mean[j] = acc;
        }
        return mean;
    }

    @Override
    public double[][][] nextTokenPosterior(HostTensor text, HostTensor image) {
        int lt = leaves(Modality.TEXT);
        int li = leaves(Modality.IMAGE);
        int[] tx = tokens(text, lt, "text");
        int[] im = image == null ? null : tokens(image, li, "image");
        int n = tx.length / lt;
        if (im != null && im.length / li != n) {
            throw new IllegalArgumentException("text has " + n + " rows, image " + image.shape().dim(0));
        }
        double[][][] out = new double[n][lt][];
        parallel(n, i -> {
            double[] factor = im == null ? null : bpImage.upward(im, i * li).logH()[0];
            for (int t = 0; t < lt; t++) {
                out[i][t] = bpText.nextTokenPosterior(tx, i * lt, t, factor);
            }
        });
        return out;
    }

    @Override
    public BayesRisks estimateRisks(int samples, int candidates, long seed) {
        if (samples < 1) {
            throw new IllegalArgumentException("need at least one sample, got " + samples);
        }
        JghmSamples d = new JghmSampler(truth).candidates(samples, candidates, new SplittableRandom(seed));
        int k = candidates;
        int li = d.imageLeaves();
        int lt = d.textLeaves();
        int s = states();
        double logS = Math.log(s);
        double[] zIm = new double[d.noisyImage().length];
        for (int i = 0; i < zIm.length; i++) {
            zIm[i] = d.noisyImage()[i];
        }
        double[][] per = new double[9][samples];
        parallel(samples, g -> {
            int first = g * k;
            double[][] hIm = new double[k][];
            double[][] hTx = new double[k][];
            double[][] piIm = new double[k][];
            double[][] piTx = new double[k][];
            for (int j = 0; j < k; j++) {
                hIm[j] = bpImage.upward(d.image(), (first + j) * li).logH()[0];
                hTx[j] = bpText.upward(d.text(), (first + j) * lt).logH()[0];
                piIm[j] = LogMath.logNormalize(hIm[j]);
                piTx[j] = LogMath.logNormalize(hTx[j]);
            }
            per[0][g] = groupLoss(piIm, piTx, 0, k);
            // zero-shot: label = first text leaf of the positive pair
            int label = d.text()[first * lt];
            double[] q = zeroShot(LogMath.normalize(hIm[0]));
            per[1][g] = -Math.log(q[label]);
            per[2][g] = LogMath.argmax(q) == label ? 1 : 0;
            per[3][g] = -Math.log(firstLeafMarginal[label]);
            per[4][g] = LogMath.argmax(firstLeafMarginal) == label ? 1 : 0;
            // denoising: squared error of the posterior mean, summed over leaves
            UpwardMessages up = bpImage.upwardSoft(gaussianEvidence(zIm, first * li));
            per[5][g] = squaredError(bpImage.leafMarginals(up, hTx[0]), d.image(), first * li);
            per[6][g] = squaredError(bpImage.leafMarginals(up, null), d.image(), first * li);
            // next token, by the chain rule over positions 1..lt-1
            if (lt > 1) {
                double logJoint = LogMath.logSumExp(piIm[0], hTx[0]);
                per[7][g] = (Math.log(q[label]) - logJoint) / (lt - 1);
                double logMarginal = LogMath.logSumExp(hTx[0]) - logS;
                per[8][g] = (Math.log(firstLeafMarginal[label]) - logMarginal) / (lt - 1);
            } else {
                per[7][g] = Double.NaN;
                per[8][g] = Double.NaN;
            }
        });
        double[] mean = new double[per.length];
        for (int q = 0; q < per.length; q++) {
            double acc = 0;
            for (double v : per[q]) {
                acc += v;
            }
            mean[q] = acc / samples;
        }
        return new BayesRisks(samples, k, mean[0], 2 * Math.log(k), mean[1], mean[2], mean[3], mean[4], mean[5],
                mean[6], mean[7], mean[8]);
    }

    private static double squaredError(double[][] marginals, int[] x, int off) {
        double[] mean = posteriorMean(marginals);
        double acc = 0;
        for (int j = 0; j < mean.length; j++) {
            double e = mean[j] - x[off + j];
            acc += e * e;
        }
        return acc;
    }

    private static void parallel(int n, java.util.function.IntConsumer body) {
        int chunks = (n + CHUNK - 1) / CHUNK;
        IntStream.range(0, chunks).parallel().forEach(c -> {
            int end = Math.min(n, (c + 1) * CHUNK);
            for (int i = c * CHUNK; i < end; i++) {
                body.accept(i);
            }
        });
    }

    /** Reads an int64 token tensor whose last dimension is {@code leaves}, checking values. */
    private int[] tokens(HostTensor x, int leaves, String what) {
        if (x.dtype() != DType.INT64 || x.shape().rank() < 2 || x.shape().dim(-1) != leaves) {
            throw new IllegalArgumentException(what + " tokens must be int64 [..., " + leaves + "], got " + x);
        }
        java.nio.LongBuffer b = x.longs();
        int[] out = new int[x.size()];
        int s = states();
        for (int i = 0; i < out.length; i++) {
            long v = b.get(i);
            if (v < 0 || v >= s) {
                throw new IllegalArgumentException(what + " token at flat index " + i + " = " + v + " is outside 0.."
                        + (s - 1));
            }
            out[i] = (int) v;
        }
        return out;
    }
}
