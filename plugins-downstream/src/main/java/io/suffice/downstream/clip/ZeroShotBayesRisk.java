package io.suffice.downstream.clip;

import io.suffice.api.data.Batch;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisk;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.contrastive.Tokens;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Bayes zero-shot classifier of the label "value of the first text leaf" (contrastive-jghm.md sec. 4), beside the
 * zero-shot evaluation of {@link ClipEvaluation}: the posterior {@code pi_im(x_im)^T F} with {@code F} the oracle's
 * root-to-first-text-leaf matrix {@code prod_l T_tx[l][0]}; without the image, the label's marginal
 * {@code (1/S) sum_y F[y]}. Columns {@code zsc_ce}, {@code zsc_ce_nocond} (cross-entropies, nats), {@code zsc_acc},
 * {@code zsc_acc_nocond} (accuracy of the argmax, first on ties). Stateless.
 */
public final class ZeroShotBayesRisk implements BayesRisk {
    static final String CE = "zsc_ce";
    static final String CE_NO_CONDITIONING = "zsc_ce_nocond";
    static final String ACCURACY = "zsc_acc";
    static final String ACCURACY_NO_CONDITIONING = "zsc_acc_nocond";

    @Override
    public List<String> columns() {
        return List.of(CE, CE_NO_CONDITIONING, ACCURACY, ACCURACY_NO_CONDITIONING);
    }

    /** Scores candidate 0 of each group: its image against its text's first leaf. */
    @Override
    public Map<String, Estimate> estimate(BayesOracle oracle, Batch groups) {
        double[][] q = posterior(oracle, Tokens.candidate(groups.get("image"), 0));
        HostTensor text = Tokens.candidate(groups.get("text"), 0);
        double[] marginal = marginal(oracle);
        int mode = ClipEvaluation.argmax(marginal);
        int n = q.length;
        double[][] v = new double[4][n];
        for (int i = 0; i < n; i++) {
            int label = Tokens.at(text, i, 0);
            v[0][i] = -Math.log(q[i][label]);
            v[1][i] = -Math.log(marginal[label]);
            v[2][i] = ClipEvaluation.argmax(q[i]) == label ? 1 : 0;
            v[3][i] = mode == label ? 1 : 0;
        }
        Map<String, Estimate> out = new LinkedHashMap<>();
        out.put(CE, Estimate.of(v[0]));
        out.put(CE_NO_CONDITIONING, Estimate.of(v[1]));
        out.put(ACCURACY, Estimate.of(v[2]));
        out.put(ACCURACY_NO_CONDITIONING, Estimate.of(v[3]));
        return out;
    }

    /**
     * The Bayes posterior of the first text leaf given each image, {@code pi_im^T F}.
     *
     * @param image int64 {@code [n, leaves(IMAGE)]}
     * @return {@code [n][S]}
     */
    public static double[][] posterior(BayesOracle oracle, HostTensor image) {
        double[][] pi = oracle.rootPosterior(Modality.IMAGE, image);
        double[][] f = oracle.leafGivenRoot(Modality.TEXT, 0);
        int s = oracle.states();
        double[][] out = new double[pi.length][s];
        for (int i = 0; i < pi.length; i++) {
            for (int y = 0; y < s; y++) {
                for (int b = 0; b < s; b++) {
                    out[i][b] += pi[i][y] * f[y][b];
                }
            }
        }
        return out;
    }

    /** The first text leaf's marginal distribution (image ignored, uniform root). */
    public static double[] marginal(BayesOracle oracle) {
        double[][] f = oracle.leafGivenRoot(Modality.TEXT, 0);
        int s = oracle.states();
        double[] out = new double[s];
        for (int y = 0; y < s; y++) {
            for (int b = 0; b < s; b++) {
                out[b] += f[y][b] / s;
            }
        }
        return out;
    }
}
