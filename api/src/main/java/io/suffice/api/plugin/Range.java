package io.suffice.api.plugin;

import java.util.Locale;

/**
 * The allowed interval of a numeric {@link ParameterSpec} (of an INT, DOUBLE or list parameter: every element),
 * checked by the runtime when it resolves a config, before anything runs. NaN and infinities are never in a range.
 * Immutable.
 *
 * @param min          lower end ({@code -Infinity}: none)
 * @param minInclusive whether {@code min} itself is allowed
 * @param max          upper end ({@code +Infinity}: none)
 * @param maxInclusive whether {@code max} itself is allowed
 * @param sentinel     one value outside the interval that is allowed too (a "-1 = inherit" convention), or NaN
 */
public record Range(double min, boolean minInclusive, double max, boolean maxInclusive, double sentinel) {
    /** Every finite number. */
    public static final Range FINITE = new Range(Double.NEGATIVE_INFINITY, false, Double.POSITIVE_INFINITY, false);

    /** An interval without a sentinel. */
    public Range(double min, boolean minInclusive, double max, boolean maxInclusive) {
        this(min, minInclusive, max, maxInclusive, Double.NaN);
    }

    /** This range, plus the single value {@code v} (e.g. {@code -1} meaning "inherit"). */
    public Range orExactly(double v) {
        return new Range(min, minInclusive, max, maxInclusive, v);
    }

    public Range {
        if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
            throw new IllegalArgumentException("empty range [" + min + ", " + max + "]");
        }
    }

    /** {@code >= min}. */
    public static Range atLeast(double min) {
        return new Range(min, true, Double.POSITIVE_INFINITY, false);
    }

    /** {@code > min}. */
    public static Range above(double min) {
        return new Range(min, false, Double.POSITIVE_INFINITY, false);
    }

    /** {@code [min, max]}. */
    public static Range closed(double min, double max) {
        return new Range(min, true, max, true);
    }

    public boolean contains(double v) {
        return v == sentinel || Double.isFinite(v) && (minInclusive ? v >= min : v > min) && (maxInclusive ? v <= max : v < max);
    }

    /** How a message states the range: {@code >= 1}, {@code > 0}, {@code in [0, 1]}, {@code a finite number}. */
    public String describe() {
        String base = interval();
        return Double.isNaN(sentinel) ? base : base + ", or " + number(sentinel);
    }

    private String interval() {
        boolean lo = Double.isFinite(min);
        boolean hi = Double.isFinite(max);
        if (lo && hi) {
            return "in " + (minInclusive ? "[" : "(") + number(min) + ", " + number(max) + (maxInclusive ? "]" : ")");
        }
        if (lo) {
            return (minInclusive ? ">= " : "> ") + number(min);
        }
        if (hi) {
            return (maxInclusive ? "<= " : "< ") + number(max);
        }
        return "a finite number";
    }

    private static String number(double v) {
        return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
    }
}
