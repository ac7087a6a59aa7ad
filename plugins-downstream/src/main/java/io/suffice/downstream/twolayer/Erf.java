package io.suffice.downstream.twolayer;

/**
 * The error function and its complement in double precision, with relative accuracy about 1e-15 (absolute in the
 * region where {@code erfc} is computed as {@code 1 - erf}, i.e. {@code |x| < 2}, where {@code erfc > 4e-3}).
 * <ul>
 *   <li>{@code |x| < 2}: the everywhere-positive series
 *       {@code erf(x) = (2/sqrt pi) e^{-x^2} sum_{n>=0} 2^n x^{2n+1} / (1 * 3 * ... * (2n+1))}
 *       (Abramowitz and Stegun 7.1.6), which has no cancellation;</li>
 *   <li>{@code |x| >= 2}: the continued fraction
 *       {@code erfc(x) = (e^{-x^2}/sqrt pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))}
 *       (A&amp;S 7.1.14), evaluated with the modified Lentz method, accurate in the far tail.</li>
 * </ul>
 */
public final class Erf {
    private static final double TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);
    private static final double SERIES_LIMIT = 2;

    private Erf() {
    }

    /** {@code erf(x) = (2/sqrt pi) int_0^x e^{-t^2} dt}. */
    public static double erf(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SERIES_LIMIT) {
            return series(x);
        }
        double r = 1 - continuedFraction(ax);
        return x < 0 ? -r : r;
    }

    /** {@code erfc(x) = 1 - erf(x)}, accurate relative to its own size for large positive {@code x}. */
    public static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Math.abs(x) < SERIES_LIMIT) {
            return 1 - series(x);
        }
        return x > 0 ? continuedFraction(x) : 2 - continuedFraction(-x);
    }

    private static double series(double x) {
        double x2 = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= 2 * x2 / (2 * n + 1);
            sum += term;
            if (Math.abs(term) <= 1e-17 * Math.abs(sum)) {
                break;
            }
        }
        return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }

    /** {@code erfc(x)} for {@code x >= 2}. */
    private static double continuedFraction(double x) {
        final double tiny = 1e-300;
        double f = x;
        double c = f;
        double d = 0;
        for (int n = 1; n < 500; n++) {
            double a = 0.5 * n;
            d = x + a * d;
            d = Math.abs(d) < tiny ? tiny : d;
            c = x + a / c;
            c = Math.abs(c) < tiny ? tiny : c;
            d = 1 / d;
            double delta = c * d;
            f *= delta;
            if (Math.abs(delta - 1) < 1e-16) {
                break;
            }
        }
        return Math.exp(-x * x) / (Math.sqrt(Math.PI) * f);
    }
}
