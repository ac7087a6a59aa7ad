package io.suffice.data.jghm;

import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.data.Batch;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

import java.util.SplittableRandom;
import java.util.stream.IntStream;

/**
 * The JGHM's exact Bayes answers by {@link BeliefPropagation} (paper secs. 2-4). Two models: {@code truth} generates
 * the draws of {@link #sample}; {@code belief} is the one BP runs with. They are equal for the true Bayes answers; a
 * belief with another flip probability gives the mis-specified predictor of the shift-in-p comparison (the question
 * answered is then "how well does BP with the wrong matrices do on the true data").
 * <p>
 * Primitives, with {@code h_M = p(x_M | y)} the root message of modality M: root posteriors from one or both sides;
 * the path products {@code prod_l T[l][c_l]} from the root to a leaf; the denoiser mean {@code E[x_im | z, x_tx]}
 * from Gaussian leaf evidence {@code exp(-(z-b)^2 / 2 sigma^2)} and root factor {@code h_tx}; the next-token
 * posterior from the prefix and root factor {@code h_im}; the upward level beliefs. The tasks' Bayes risks are
 * computed from these by the tasks themselves ({@link io.suffice.api.oracle.BayesRisk}).
 * Immutable and thread-safe; batch methods run examples in parallel.
 */
public final class JghmBayesOracle implements BayesOracle {
    private static final int CHUNK = 256;

    private final JghmModel truth;
    private final JghmModel belief;
    private final BeliefPropagation bpText;
    private final BeliefPropagation bpImage;

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

    @Override
    public double[][] logRootLikelihood(Modality modality, HostTensor tokens) {
        int[] x = tokens(tokens, leaves(modality), modality.label());
        return bp(modality).logRootLikelihoods(x, x.length / leaves(modality));
    }

    @Override
    public double[][] leafGivenRoot(Modality modality, int leaf) {
        return bp(modality).leafGivenRoot(leaf);
    }

    /**
     * {@inheritDoc}
     * <p>
     * The batch of a {@link JghmDataset} of the truth model with {@code candidates} (so it also holds {@code root},
     * {@code text_root} and {@code label}); for K >= 2 the draws of {@link JghmSampler#candidates}.
     */
    @Override
    public Batch sample(int groups, int candidates, long seed) {
        if (groups < 1) {
            throw new IllegalArgumentException("need at least one group, got " + groups);
        }
        if (candidates < 1) {
            throw new IllegalArgumentException("need at least one candidate, got " + candidates);
        }
        Batch b = new JghmDataset(truth, belief, Pairing.PAIRED, candidates).sample(groups,
                new SplittableRandom(seed));
        if (candidates > 1) {
            return b;
        }
        // one candidate: the dataset's plain pairs gain the documented K = 1 dimension
        java.util.Map<String, HostTensor> f = new java.util.LinkedHashMap<>();
        b.fields().forEach((name, t) -> {
            long[] dims = new long[t.shape().rank() + 1];
            dims[0] = t.shape().dim(0);
            dims[1] = 1;
            for (int d = 1; d < t.shape().rank(); d++) {
                dims[d + 1] = t.shape().dim(d);
            }
            f.put(name, HostTensor.wrap(t.dtype(), io.suffice.api.tensor.Shape.of(dims), t.buffer()));
        });
        return new Batch(f);
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
