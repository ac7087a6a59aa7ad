package io.suffice.api.oracle;

import io.suffice.api.data.Batch;
import io.suffice.api.tensor.HostTensor;

/**
 * Exact Bayes answers of a two-modality data model with a shared latent root (for example the JGHM, where they come
 * from belief propagation), offered once as primitives: fresh draws, the root message and posterior given one or both
 * sides, the leaf-given-root matrices, level beliefs, next-token posteriors and the denoiser's posterior mean. Each
 * task computes its own Bayes risk from them next to its own loss (and registers it as a {@link BayesRisk} for
 * {@code suffice jghm bayes}); the oracle knows no task. A dataset offers one through
 * {@link io.suffice.api.data.Dataset#oracle()}.
 * <p>
 * Token inputs are int64 tensors whose last dimension is {@code leaves(modality)} (leading dimensions are flattened
 * into examples, so {@code [n, K, leaves]} gives {@code n*K} rows) with values in {@code 0..states()-1}; results are
 * plain Java arrays indexed by example first. Probabilities are natural (not log) unless the name says otherwise; the
 * root prior is uniform. When the oracle is mis-specified (its beliefs differ from the data model), every answer is
 * that of its beliefs and {@link #sample} draws from the true data model. Implementations are immutable and
 * thread-safe.
 */
public interface BayesOracle {

    /** Number of values S of every node (root, internal, leaf). */
    int states();

    /** Number of observed tokens (leaves) of one modality. */
    int leaves(Modality modality);

    /** Standard deviation sigma of the Gaussian noise {@code z = x_im + sigma * eps} of the denoising task. */
    double noiseScale();

    /**
     * Fresh draws from the (true) data model, reproducibly from {@code seed}: {@code groups} K-candidate groups, each
     * {@code candidates} pairs, candidate 0 the positive pair and the others pairs independent of it. Fields:
     * {@code image} int64 {@code [groups, K, leaves(IMAGE)]}, {@code text} int64 {@code [groups, K, leaves(TEXT)]},
     * {@code image_noisy} float32 {@code [groups, K, leaves(IMAGE)]} ({@code image + noiseScale() * N(0, 1)}); a data
     * model may add fields (the JGHM adds its roots and the zero-shot label).
     *
     * @param candidates K >= 1
     */
    Batch sample(int groups, int candidates, long seed);

    /**
     * The root's upward message {@code log h_r(y) = log p(x | y)} of each example (the belief of the root before the
     * prior; BP's upward pass).
     *
     * @return {@code [n][S]}
     */
    double[][] logRootLikelihood(Modality modality, HostTensor tokens);

    /**
     * {@code log pi(y | x)} from one modality: {@link #logRootLikelihood} normalised in log space.
     *
     * @return {@code [n][S]}
     */
    default double[][] logRootPosterior(Modality modality, HostTensor tokens) {
        double[][] out = logRootLikelihood(modality, tokens);
        for (int i = 0; i < out.length; i++) {
            double z = LogSpace.logSumExp(out[i]);
            for (int b = 0; b < out[i].length; b++) {
                out[i][b] -= z;
            }
        }
        return out;
    }

    /**
     * Root posterior {@code pi(y | x)} from one modality alone.
     *
     * @return {@code [n][S]}, each row summing to 1
     */
    default double[][] rootPosterior(Modality modality, HostTensor tokens) {
        double[][] out = logRootPosterior(modality, tokens);
        for (double[] row : out) {
            for (int b = 0; b < row.length; b++) {
                row[b] = Math.exp(row[b]);
            }
        }
        return out;
    }

    /**
     * Root posterior given both sides of each pair, {@code pi(y | x_im, x_tx) ∝ h_im(y) h_tx(y)}.
     *
     * @param image int64 {@code [n, leaves(IMAGE)]}
     * @param text  int64 {@code [n, leaves(TEXT)]}, row i paired with image row i
     * @return {@code [n][S]}, each row summing to 1
     */
    default double[][] rootPosterior(HostTensor image, HostTensor text) {
        double[][] hi = logRootLikelihood(Modality.IMAGE, image);
        double[][] ht = logRootLikelihood(Modality.TEXT, text);
        if (hi.length != ht.length) {
            throw new IllegalArgumentException("image has " + hi.length + " rows, text " + ht.length);
        }
        double[][] out = new double[hi.length][];
        for (int i = 0; i < hi.length; i++) {
            double[] joint = new double[hi[i].length];
            for (int b = 0; b < joint.length; b++) {
                joint[b] = hi[i][b] + ht[i][b];
            }
            double z = LogSpace.logSumExp(joint);
            for (int b = 0; b < joint.length; b++) {
                joint[b] = Math.exp(joint[b] - z);
            }
            out[i] = joint;
        }
        return out;
    }

    /**
     * The downward message from the root to one leaf: {@code F[y][b] = P(leaf = b | root = y)}, the product of the
     * transition matrices on the path (for the JGHM's first text leaf {@code prod_l T_tx[l][0]}, the zero-shot
     * label's likelihood).
     *
     * @param leaf {@code 0 .. leaves(modality)-1}
     * @return {@code [S][S]}, rows summing to 1
     */
    double[][] leafGivenRoot(Modality modality, int leaf);

    /**
     * The upward BP beliefs of every leaf's ancestors, the targets of the "guided" CLIP variant (contrastive-jghm.md
     * sec. 5, with the upward pass of sec. 2): entry {@code [i, l-1, t, :]} is the normalised upward belief
     * {@code h_u / sum_b h_u(b)} of the ancestor {@code u} of leaf {@code t} at height {@code l} ({@code l = 1..D},
     * D the number of tree levels above the leaves), i.e. the posterior of {@code u} given the leaves below it under a
     * uniform prior on {@code u}. Height D is the root, so {@code [i, D-1, t, :]} equals {@link #rootPosterior} for
     * every {@code t}. Leaves are breadth-first and the children of node {@code j} are {@code j*m + c}, so the
     * ancestor at height {@code l} of leaf {@code t} is node {@code t / m^l} of its level.
     *
     * @param tokens int64 {@code [n, leaves(modality)]}
     * @return float32 {@code [n, D, leaves(modality), S]}, each {@code [i, l, t, :]} summing to 1
     * @throws UnsupportedOperationException when the data model has no tree levels to offer (the default)
     */
    default HostTensor levelBeliefs(Modality modality, HostTensor tokens) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not offer level beliefs");
    }

    /**
     * Denoiser posterior mean {@code E[x_im | z, x_tx]} of the image leaves (as reals) given noisy leaves
     * {@code z = x_im + sigma * eps} (Gaussian leaf evidence) and, optionally, the text's root message.
     *
     * @param noisyImage float32 or float64 {@code [n, leaves(IMAGE)]}
     * @param text       int64 {@code [n, leaves(TEXT)]}, or {@code null} to ignore the text
     * @return {@code [n][leaves(IMAGE)]}
     */
    double[][] denoiserMean(HostTensor noisyImage, HostTensor text);

    /**
     * Next-token posteriors of the text: entry {@code [i][t][b] = P(x_tx[t] = b | x_tx[<t], x_im)}.
     *
     * @param text  int64 {@code [n, leaves(TEXT)]}
     * @param image int64 {@code [n, leaves(IMAGE)]}, or {@code null} to ignore the image
     * @return {@code [n][leaves(TEXT)][S]}; position 0 is the first leaf's posterior given the image alone
     */
    double[][][] nextTokenPosterior(HostTensor text, HostTensor image);
}
