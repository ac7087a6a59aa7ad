package io.suffice.downstream.denoise;

import io.suffice.api.data.Batch;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisk;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.contrastive.Tokens;
import io.suffice.downstream.generative.Tensors;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.DoubleStream;

/**
 * The Bayes denoising risk (contrastive-jghm.md sec. 4), beside the loss of {@link ConditionalDenoiser}: the squared
 * error summed over the image leaves of the oracle's posterior mean {@code E[x_im | z, x_tx]}, and without the text
 * {@code E[x_im | z]}. Columns {@code denoise_mse}, {@code denoise_mse_nocond}. Stateless.
 */
public final class DenoiseBayesRisk implements BayesRisk {
    static final String MSE = "denoise_mse";
    static final String MSE_NO_CONDITIONING = "denoise_mse_nocond";

    @Override
    public List<String> columns() {
        return List.of(MSE, MSE_NO_CONDITIONING);
    }

    /** Scores candidate 0 of each group: its noisy image given its text. */
    @Override
    public Map<String, Estimate> estimate(BayesOracle oracle, Batch groups) {
        HostTensor z = Tokens.candidate(groups.get("image_noisy"), 0);
        HostTensor text = Tokens.candidate(groups.get("text"), 0);
        double[][] x = Tensors.rows(Tokens.candidate(groups.get("image"), 0));
        Map<String, Estimate> out = new LinkedHashMap<>();
        out.put(MSE, Estimate.of(squaredErrors(oracle.denoiserMean(z, text), x)));
        out.put(MSE_NO_CONDITIONING, Estimate.of(squaredErrors(oracle.denoiserMean(z, null), x)));
        return out;
    }

    /** {@code sum_j (mean[i][j] - x[i][j])^2} of every example i. */
    static double[] squaredErrors(double[][] mean, double[][] x) {
        DoubleStream.Builder out = DoubleStream.builder();
        squaredErrors(mean, x, out);
        return out.build().toArray();
    }

    /** Adds {@code sum_j (mean[i][j] - x[i][j])^2} of every example i to {@code out}, in order. */
    public static void squaredErrors(double[][] mean, double[][] x, DoubleStream.Builder out) {
        for (int i = 0; i < mean.length; i++) {
            double acc = 0;
            for (int j = 0; j < mean[i].length; j++) {
                double e = mean[i][j] - x[i][j];
                acc += e * e;
            }
            out.add(acc);
        }
    }
}
