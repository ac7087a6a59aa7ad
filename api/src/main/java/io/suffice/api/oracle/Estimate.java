package io.suffice.api.oracle;

import java.util.Map;

/**
 * A Monte Carlo estimate: the mean of {@code n} independent draws and its standard error, the sample standard
 * deviation (with {@code n - 1}) over {@code sqrt(n)}. Every Bayes value a task or the CLI reports carries one, so a
 * reader can tell a real gap between a model and Bayes from sampling noise. A value known exactly (for example the
 * no-conditioning contrastive risk {@code 2 log K}) has standard error 0; with a single draw the standard error is
 * unknown (NaN). Immutable.
 *
 * @param mean the estimate
 * @param se   its standard error, {@code >= 0}, or NaN when it cannot be estimated
 * @param n    number of draws it averages over
 */
public record Estimate(double mean, double se, long n) {

    /** Suffix of the standard error's key beside a value's key in summaries and tables ({@code bayes_mse_se}). */
    public static final String SE_SUFFIX = "_se";

    public Estimate {
        if (n < 1) {
            throw new IllegalArgumentException("an estimate needs at least one draw, got n = " + n);
        }
        if (se < 0) {
            throw new IllegalArgumentException("standard error must be >= 0, got " + se);
        }
    }

    /**
     * The mean of {@code values} (summed in order, then divided by their number) and its standard error.
     *
     * @throws IllegalArgumentException when {@code values} is empty
     */
    public static Estimate of(double[] values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("an estimate needs at least one draw, got none");
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return new Estimate(sum / values.length, standardError(values), values.length);
    }

    /** A value known exactly from {@code n} draws (standard error 0). */
    public static Estimate exact(double value, long n) {
        return new Estimate(value, 0, n);
    }

    /**
     * The standard error of the mean of {@code values}: {@code sqrt(sum (v - mean)^2 / (n - 1)) / sqrt(n)}, two-pass
     * so that a large mean does not cancel a small spread; NaN for fewer than two values.
     */
    public static double standardError(double[] values) {
        int n = values.length;
        if (n < 2) {
            return Double.NaN;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / n;
        double ss = 0;
        for (double v : values) {
            double d = v - mean;
            ss += d * d;
        }
        return Math.sqrt(ss / (n - 1)) / Math.sqrt(n);
    }

    /** Puts {@code key -> mean} and {@code key + "_se" -> se} into a summary (in that order). */
    public void putInto(Map<String, Double> summary, String key) {
        summary.put(key, mean);
        summary.put(key + SE_SUFFIX, se);
    }
}
