package io.suffice.api.oracle;

import io.suffice.api.tensor.HostTensor;

/**
 * Exact Bayes answers of a two-modality data model with a shared latent root (for example the JGHM, where they come
 * from belief propagation). Evaluations use it to put a learned model's risk beside the best achievable one without
 * depending on the data plugin. A dataset offers one through {@link io.suffice.api.data.Dataset#oracle()}.
 * <p>
 * Token inputs are int64 tensors of shape {@code [n, leaves(modality)]} with values in {@code 0..states()-1};
 * results are plain Java arrays indexed by example first. Probabilities are natural (not log) unless the name says
 * otherwise. Implementations are immutable and thread-safe.
 */
public interface BayesOracle {

    /** Number of values S of every node (root, internal, leaf). */
    int states();

    /** Number of observed tokens (leaves) of one modality. */
    int leaves(Modality modality);

    /** Standard deviation sigma of the Gaussian noise {@code z = x_im + sigma * eps} of the denoising task. */
    double noiseScale();

    /**
     * Root posterior {@code pi(y | x)} from one modality alone (uniform root prior).
     *
     * @param tokens int64 {@code [n, leaves(modality)]}
     * @return {@code [n][S]}, each row summing to 1
     */
    double[][] rootPosterior(Modality modality, HostTensor tokens);

    /**
     * The optimal contrastive score, the pointwise mutual information
     * {@code s*(x_im, x_tx) = log(S * <pi_im(x_im), pi_tx(x_tx)>)} (paper sec. 3), for every image-text pair.
     *
     * @param image int64 {@code [a, leaves(IMAGE)]}
     * @param text  int64 {@code [b, leaves(TEXT)]}
     * @return {@code [a][b]} scores in nats
     */
    double[][] optimalScores(HostTensor image, HostTensor text);

    /**
     * The symmetric K-candidate contrastive risk of {@code s*} on given groups: candidate 0 of each group is the
     * positive pair, candidates {@code 1..K-1} are pairs independent of it.
     *
     * @param image int64 {@code [n, K, leaves(IMAGE)]}
     * @param text  int64 {@code [n, K, leaves(TEXT)]}, {@code (image[i, j], text[i, j])} paired
     * @return per-group losses {@code [n]} (nats; the risk is their mean)
     */
    double[] contrastiveLosses(HostTensor image, HostTensor text);

    /**
     * Bayes zero-shot posterior of the label "value of the first text leaf": {@code pi_im(x_im)^T prod_l T_tx[l][0]}.
     *
     * @param image int64 {@code [n, leaves(IMAGE)]}, or {@code null} for the no-conditioning marginal (one row)
     * @return {@code [n][S]} (or {@code [1][S]})
     */
    double[][] zeroShotPosterior(HostTensor image);

    /**
     * Bayes denoiser: the posterior mean {@code E[x_im | z, x_tx]} of the image leaves (as reals) given noisy leaves
     * {@code z = x_im + sigma * eps}.
     *
     * @param noisyImage float32 or float64 {@code [n, leaves(IMAGE)]}
     * @param text       int64 {@code [n, leaves(TEXT)]}, or {@code null} to ignore the text
     * @return {@code [n][leaves(IMAGE)]}
     */
    double[][] denoiserMean(HostTensor noisyImage, HostTensor text);

    /**
     * Bayes next-token posteriors of the captioner: entry {@code [i][t][b] = P(x_tx[t] = b | x_tx[<t], x_im)}.
     *
     * @param text  int64 {@code [n, leaves(TEXT)]}
     * @param image int64 {@code [n, leaves(IMAGE)]}, or {@code null} to ignore the image
     * @return {@code [n][leaves(TEXT)][S]}; position 0 is the first-leaf marginal
     */
    double[][][] nextTokenPosterior(HostTensor text, HostTensor image);

    /**
     * The upward BP beliefs of every leaf's ancestors, the targets of the "guided" CLIP variant (contrastive-jghm.md
     * sec. 5, with the upward pass of sec. 2): entry {@code [i, l-1, t, :]} is the normalised upward belief
     * {@code h_u / sum_b h_u(b)} of the ancestor {@code u} of leaf {@code t} at height {@code l} ({@code l = 1..D},
     * D the number of tree levels above the leaves), i.e. the posterior of {@code u} given the leaves below it under a
     * uniform prior on {@code u}. Height D is the root, so {@code [i, D-1, t, :]} equals {@link #rootPosterior} for
     * every {@code t}. Leaves are breadth-first and the children of node {@code j} are {@code j*m + c}, so the
     * ancestor at height {@code l} of leaf {@code t} is node {@code t / m^l} of its level. A mis-specified oracle
     * answers with its own (belief) matrices, like the other methods.
     *
     * @param tokens int64 {@code [n, leaves(modality)]}
     * @return float32 {@code [n, D, leaves(modality), S]}, each {@code [i, l, t, :]} summing to 1
     * @throws UnsupportedOperationException when the data model has no tree levels to offer (the default)
     */
    default HostTensor levelBeliefs(Modality modality, HostTensor tokens) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not offer level beliefs");
    }

    /**
     * Estimates every Bayes risk (and its no-conditioning value) on fresh samples of the data model, reproducibly
     * from {@code seed}. When the oracle's beliefs are mis-specified (BP run with other matrices than the data's),
     * the returned numbers are the risks of that mis-specified predictor under the true data.
     *
     * @param samples    number of examples (K-candidate groups for the contrastive risk)
     * @param candidates K >= 2
     */
    BayesRisks estimateRisks(int samples, int candidates, long seed);
}
