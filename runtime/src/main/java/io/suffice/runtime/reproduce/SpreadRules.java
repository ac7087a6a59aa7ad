package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;

import java.util.List;

/**
 * The verdict rules shared by the figures, fixed before any reproduction ran (docs/REPRODUCTION.md states them):
 * <ul>
 *   <li>{@link #everySeed}: a qualitative claim checked per seed (or per data draw) holds when it holds in every
 *       seed, fails when it fails in at least half of them, and is inconclusive otherwise (or with no seeds);</li>
 *   <li>{@link #gap}: a claim "A is larger than B" on paired per-seed values holds when the mean gap exceeds twice its
 *       standard error (the seed spread {@code sd/sqrt(k)} combined with any Monte Carlo standard error of the
 *       estimates), fails when the mean gap is below minus twice that error, and is inconclusive in between; with
 *       one seed the seed spread is unknown and only the Monte Carlo error counts.</li>
 * </ul>
 */
public final class SpreadRules {
    /** Standard errors a gap must clear. */
    public static final double Z = 2;

    private SpreadRules() {
    }

    /** The {@link #everySeed} rule on per-seed results. */
    public static Outcome everySeed(List<Boolean> perSeed) {
        if (perSeed.isEmpty()) {
            return Outcome.INCONCLUSIVE;
        }
        long failed = perSeed.stream().filter(b -> !b).count();
        if (failed == 0) {
            return Outcome.HOLDS;
        }
        return 2 * failed >= perSeed.size() ? Outcome.FAILS : Outcome.INCONCLUSIVE;
    }

    /**
     * Per-case verdicts combined like {@link #everySeed}: holds when every case holds, fails when at least half of
     * them fail, inconclusive otherwise (or with no cases).
     */
    public static Outcome everyCase(List<Outcome> cases) {
        if (cases.isEmpty()) {
            return Outcome.INCONCLUSIVE;
        }
        long failed = cases.stream().filter(o -> o == Outcome.FAILS).count();
        if (cases.stream().allMatch(o -> o == Outcome.HOLDS)) {
            return Outcome.HOLDS;
        }
        return 2 * failed >= cases.size() ? Outcome.FAILS : Outcome.INCONCLUSIVE;
    }

    /**
     * The {@link #gap} rule: is {@code a - b} positive beyond {@link #Z} standard errors?
     *
     * @param a           per-seed values of A
     * @param b           per-seed values of B (paired with {@code a})
     * @param monteCarloSe standard error of one per-seed gap from the finite evaluation sample (0 if exact)
     */
    public static Outcome gap(double[] a, double[] b, double monteCarloSe) {
        Gap g = gapOf(a, b, monteCarloSe);
        if (!Double.isFinite(g.mean())) {
            return Outcome.INCONCLUSIVE;
        }
        if (g.mean() > Z * g.se()) {
            return Outcome.HOLDS;
        }
        return g.mean() < -Z * g.se() ? Outcome.FAILS : Outcome.INCONCLUSIVE;
    }

    /** The mean of the paired gaps {@code a - b} and its standard error. */
    public static Gap gapOf(double[] a, double[] b, double monteCarloSe) {
        if (a.length != b.length || a.length == 0) {
            return new Gap(Double.NaN, Double.NaN, 0);
        }
        int k = a.length;
        double mean = 0;
        for (int i = 0; i < k; i++) {
            mean += (a[i] - b[i]) / k;
        }
        double var = 0;
        for (int i = 0; i < k; i++) {
            var += k > 1 ? Math.pow(a[i] - b[i] - mean, 2) / (k - 1) : 0;
        }
        double se = Math.sqrt(var / k + monteCarloSe * monteCarloSe / k);
        return new Gap(mean, se, k);
    }

    /**
     * A mean paired gap.
     *
     * @param mean  mean of {@code a - b}
     * @param se    its standard error
     * @param seeds number of pairs
     */
    public record Gap(double mean, double se, int seeds) {
        /** {@code "0.012 +- 0.004 (3 seeds)"}. */
        public String text() {
            return String.format(java.util.Locale.ROOT, "%.4g +- %.2g (%d seed%s)", mean, se, seeds,
                    seeds == 1 ? "" : "s");
        }
    }
}
