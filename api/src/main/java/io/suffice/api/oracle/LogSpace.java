package io.suffice.api.oracle;

/**
 * Max-shifted log-sum-exp, the one log-space reduction of the Bayes code (the oracle's defaults, BP in the data plugin,
 * the tasks' Bayes risks), so that every place that normalises a log message rounds the same way. Stateless.
 */
public final class LogSpace {
    private LogSpace() {
    }

    /** {@code log sum_i exp(x[i])}; {@code -inf} when every entry is {@code -inf}. */
    public static double logSumExp(double[] x) {
        double max = Double.NEGATIVE_INFINITY;
        for (double v : x) {
            max = Math.max(max, v);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (double v : x) {
            sum += Math.exp(v - max);
        }
        return max + Math.log(sum);
    }

    /** {@code log sum_i exp(x[i] + y[i])} (same length); {@code -inf} when every term is {@code -inf}. */
    public static double logSumExp(double[] x, double[] y) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < x.length; i++) {
            max = Math.max(max, x[i] + y[i]);
        }
        if (max == Double.NEGATIVE_INFINITY) {
            return max;
        }
        double sum = 0;
        for (int i = 0; i < x.length; i++) {
            sum += Math.exp(x[i] + y[i] - max);
        }
        return max + Math.log(sum);
    }
}
