package io.suffice.downstream.caption;

import io.suffice.api.data.Batch;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisk;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.LogSpace;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.contrastive.Tokens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Bayes next-token risk of the captioner (contrastive-jghm.md sec. 4), beside the loss of {@link CaptionModel}:
 * the mean over the predicted text positions {@code 1..L-1} of {@code -log P(x_tx[t] | x_tx[<t], x_im)}, and without
 * the image. One upward pass per side suffices by the chain rule
 * {@code sum_{t>=1} -log Q(x_t | x_<t, x_im) = log Q(x_0 | x_im) - log Q(x | x_im)}, with
 * {@code Q(x | x_im) = sum_y pi_im(y) h_tx(y)} and {@code Q(x_0 | x_im) = sum_y pi_im(y) F[y][x_0]} ({@code F} the
 * root-to-first-leaf matrix); exact for BP's own model, so a mis-specified oracle is scored as the predictor of its
 * beliefs. (The task's evaluation uses {@link BayesOracle#nextTokenPosterior} position by position; a test checks that
 * the two agree.) Columns {@code next_token_ce}, {@code next_token_ce_nocond}; NaN for a one-leaf text. Stateless.
 */
public final class NextTokenBayesRisk implements BayesRisk {
    static final String CE = "next_token_ce";
    static final String CE_NO_CONDITIONING = "next_token_ce_nocond";

    @Override
    public List<String> columns() {
        return List.of(CE, CE_NO_CONDITIONING);
    }

    /** Scores candidate 0 of each group: its text given its image. */
    @Override
    public Map<String, Estimate> estimate(BayesOracle oracle, Batch groups) {
        HostTensor image = Tokens.candidate(groups.get("image"), 0);
        HostTensor text = Tokens.candidate(groups.get("text"), 0);
        int lt = oracle.leaves(Modality.TEXT);
        int s = oracle.states();
        double logS = Math.log(s);
        double[][] logPiIm = oracle.logRootPosterior(Modality.IMAGE, image);
        double[][] logHTx = oracle.logRootLikelihood(Modality.TEXT, text);
        double[][] f = oracle.leafGivenRoot(Modality.TEXT, 0);
        int n = logPiIm.length;
        double[][] v = new double[2][n];
        for (int i = 0; i < n; i++) {
            if (lt < 2) {
                v[0][i] = Double.NaN;
                v[1][i] = Double.NaN;
                continue;
            }
            int label = Tokens.at(text, i, 0);
            double first = 0;
            double firstMarginal = 0;
            for (int y = 0; y < s; y++) {
                first += Math.exp(logPiIm[i][y]) * f[y][label];
                firstMarginal += f[y][label] / s;
            }
            double logJoint = LogSpace.logSumExp(logPiIm[i], logHTx[i]);
            v[0][i] = (Math.log(first) - logJoint) / (lt - 1);
            double logMarginal = LogSpace.logSumExp(logHTx[i]) - logS;
            v[1][i] = (Math.log(firstMarginal) - logMarginal) / (lt - 1);
        }
        Map<String, Estimate> out = new LinkedHashMap<>();
        out.put(CE, Estimate.of(v[0]));
        out.put(CE_NO_CONDITIONING, Estimate.of(v[1]));
        return out;
    }
}
