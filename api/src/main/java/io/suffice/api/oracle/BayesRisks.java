package io.suffice.api.oracle;

/**
 * Monte Carlo estimates of the Bayes (optimal) risks of the downstream tasks of the contrastive-JGHM paper, each
 * beside its "no conditioning" value (the other modality ignored), which a model must beat to be useful.
 * All risks are means over {@link #samples()} fresh draws from the data model; units are nats for cross-entropies,
 * squared leaf-value units for the denoising error. Immutable and thread-safe.
 *
 * @param samples           number of examples (or K-candidate groups) the estimates average over
 * @param candidates        K, the number of candidates of the contrastive risk (1 positive + K-1 negatives)
 * @param clipRisk          symmetric K-candidate contrastive risk with the optimal score s* (paper sec. 3), the sum of
 *                          the image-to-text and text-to-image cross-entropies
 * @param clipRiskNoCond    the same with a constant score: exactly {@code 2 log K}
 * @param zscCe             zero-shot cross-entropy of the label "value of the first text leaf" given the image
 * @param zscAcc            zero-shot accuracy of the Bayes classifier (argmax of the posterior), in [0, 1]
 * @param zscCeNoCond       cross-entropy of that label's marginal distribution (image ignored)
 * @param zscAccNoCond      accuracy of the marginal mode
 * @param denoiseMse        squared error of the posterior mean E[x_im | z, x_tx], summed over the image leaves
 * @param denoiseMseNoCond  the same with the text ignored, E[x_im | z]
 * @param nextTokenCe       mean over the predicted text positions 1..n-1 of -log P(x_tx[i] | x_tx[<i], x_im)
 * @param nextTokenCeNoCond the same with the image ignored
 */
public record BayesRisks(int samples, int candidates,
                         double clipRisk, double clipRiskNoCond,
                         double zscCe, double zscAcc, double zscCeNoCond, double zscAccNoCond,
                         double denoiseMse, double denoiseMseNoCond,
                         double nextTokenCe, double nextTokenCeNoCond) {
}
