package io.suffice.downstream.contrastive;

import io.suffice.api.data.Batch;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisk;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.LogSpace;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Bayes contrastive (CLIP) risk (contrastive-jghm.md sec. 3), beside the loss of {@link ContrastiveObjective}:
 * the optimal score is the pointwise mutual information {@code s*(x_im, x_tx) = log(S <pi_im(x_im), pi_tx(x_tx)>)}
 * from the oracle's root posteriors (computed in log space), plugged into the symmetric K-candidate loss. Columns
 * {@code clip_risk} and {@code clip_risk_nocond}, the loss of a constant score, exactly {@code 2 log K}.
 * Stateless.
 */
public final class ContrastiveBayesRisk implements BayesRisk {
    /** Column of the Bayes risk. */
    public static final String RISK = "clip_risk";
    /** Column of the constant-score risk {@code 2 log K}. */
    public static final String NO_CONDITIONING = "clip_risk_nocond";

    @Override
    public List<String> columns() {
        return List.of(RISK, NO_CONDITIONING);
    }

    @Override
    public Map<String, Estimate> estimate(BayesOracle oracle, Batch groups) {
        HostTensor image = groups.get("image");
        double[] losses = groupLosses(oracle, image, groups.get("text"));
        Map<String, Estimate> out = new LinkedHashMap<>();
        out.put(RISK, Estimate.of(losses));
        out.put(NO_CONDITIONING, Estimate.exact(2 * Math.log(image.shape().dim(1)), losses.length));
        return out;
    }

    /**
     * The symmetric K-candidate loss of {@code s*} of every group (candidate 0 the positive pair).
     *
     * @param image int64 {@code [n, K, leaves(IMAGE)]}
     * @param text  int64 {@code [n, K, leaves(TEXT)]}, {@code (image[i, j], text[i, j])} paired
     * @return per-group losses {@code [n]} (nats)
     */
    public static double[] groupLosses(BayesOracle oracle, HostTensor image, HostTensor text) {
        if (image.shape().rank() != 3 || text.shape().rank() != 3 || image.shape().dim(0) != text.shape().dim(0)
                || image.shape().dim(1) != text.shape().dim(1)) {
            throw new IllegalArgumentException("expected image [n, K, leaves] and text [n, K, leaves], got " + image
                    + " and " + text);
        }
        int n = (int) image.shape().dim(0);
        int k = (int) image.shape().dim(1);
        double[][] pi = oracle.logRootPosterior(Modality.IMAGE, image);
        double[][] pt = oracle.logRootPosterior(Modality.TEXT, text);
        double logS = Math.log(oracle.states());
        double[] out = new double[n];
        double[][] s = new double[k][k];
        for (int g = 0; g < n; g++) {
            int first = g * k;
            for (int j = 0; j < k; j++) {
                s[0][j] = logS + LogSpace.logSumExp(pi[first], pt[first + j]);
                s[j][0] = logS + LogSpace.logSumExp(pi[first + j], pt[first]);
            }
            out[g] = ContrastiveObjective.groupLoss(s);
        }
        return out;
    }

    /**
     * {@code s*} of every image-text combination.
     *
     * @param image int64 {@code [a, leaves(IMAGE)]}
     * @param text  int64 {@code [b, leaves(TEXT)]}
     * @return {@code [a][b]} scores in nats
     */
    public static double[][] optimalScores(BayesOracle oracle, HostTensor image, HostTensor text) {
        double[][] pi = oracle.logRootPosterior(Modality.IMAGE, image);
        double[][] pt = oracle.logRootPosterior(Modality.TEXT, text);
        double logS = Math.log(oracle.states());
        double[][] out = new double[pi.length][pt.length];
        for (int i = 0; i < pi.length; i++) {
            for (int j = 0; j < pt.length; j++) {
                out[i][j] = logS + LogSpace.logSumExp(pi[i], pt[j]);
            }
        }
        return out;
    }
}
