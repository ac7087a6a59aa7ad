package io.suffice.data.jghm;

/** Numerically stable log-space helpers (max-shifted log-sum-exp). Stateless. */
final class LogMath {
    private LogMath() {
    }

    /** {@code log sum_i exp(x[i])}; {@code -inf} when every entry is {@code -inf}. */
    static double logSumExp(double[] x) {
        return io.suffice.api.oracle.LogSpace.logSumExp(x);
    }

    /** {@code log sum_i exp(x[i] + y[i])}. */
    static double logSumExp(double[] x, double[] y) {
        return io.suffice.api.oracle.LogSpace.logSumExp(x, y);
    }

    /** The probability vector {@code exp(x - logSumExp(x))}. */
    static double[] normalize(double[] logx) {
        double z = logSumExp(logx);
        double[] p = new double[logx.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = Math.exp(logx[i] - z);
        }
        return p;
    }

    /** {@code log(normalize(x))}. */
    static double[] logNormalize(double[] logx) {
        double z = logSumExp(logx);
        double[] p = new double[logx.length];
        for (int i = 0; i < p.length; i++) {
            p[i] = logx[i] - z;
        }
        return p;
    }

    /** Index of the largest entry (first on ties). */
    static int argmax(double[] x) {
        int best = 0;
        for (int i = 1; i < x.length; i++) {
            if (x[i] > x[best]) {
                best = i;
            }
        }
        return best;
    }
}
