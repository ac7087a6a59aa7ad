package io.suffice.downstream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-step diagnostics of a binary classifier trained on the logistic loss.
 *
 * @param risk      empirical risk {@code (1/n) sum_i softplus(-y_i f(x_i))}
 * @param gradNorm  Euclidean (Frobenius) norm of the risk's gradient
 * @param paramNorm Euclidean (Frobenius) norm of the trained parameters
 * @param margin    normalized margin {@code min_i y_i f(x_i) / paramNorm} (0 when the parameters are 0)
 * @param accuracy  fraction of examples with {@code y_i f(x_i) > 0}
 */
public record Evaluation(double risk, double gradNorm, double paramNorm, double margin, double accuracy) {

    /** The metrics as {@code metrics.csv} columns, in a stable order. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("risk", risk);
        m.put("grad_norm", gradNorm);
        m.put("param_norm", paramNorm);
        m.put("normalized_margin", margin);
        m.put("accuracy", accuracy);
        return m;
    }
}
