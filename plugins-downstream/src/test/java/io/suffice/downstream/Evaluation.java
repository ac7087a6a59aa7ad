package io.suffice.downstream;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per-step diagnostics of a binary classifier trained on the logistic loss, as the plain-Java oracle
 * {@link TwoLayerNetwork} computes them; the column names are {@link LogisticDiagnostics#COLUMNS}.
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
        m.put(LogisticDiagnostics.RISK, risk);
        m.put(LogisticDiagnostics.GRAD_NORM, gradNorm);
        m.put(LogisticDiagnostics.PARAM_NORM, paramNorm);
        m.put(LogisticDiagnostics.NORMALIZED_MARGIN, margin);
        m.put(LogisticDiagnostics.ACCURACY, accuracy);
        return m;
    }
}
