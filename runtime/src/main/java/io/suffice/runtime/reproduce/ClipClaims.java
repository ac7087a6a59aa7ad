package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Shared pieces of the contrastive-paper figures (Oko, Lin, Cai, Mei 2025): the laptop and paper configs, and the
 * rules "within a tolerance" and "between two references", fixed before any run (docs/REPRODUCTION.md).
 */
final class ClipClaims {
    /** The paper's CLIP sizes (contrastive-jghm.md sec. 5) as overrides of the laptop config. */
    static final Map<String, Object> PAPER_CLIP = Map.of("dataset.depth", 4, "encoder.width", 128,
            "optimizer.stepsize", 3.0e-4, "task.steps", 40000, "task.batch", 128, "run.device", "cuda",
            "encoder.depth", 5);

    private ClipClaims() {
    }

    /** Values of summary {@code key} of {@code arms}, in arm order. */
    static double[] values(List<ArmOutcome> arms, String key) {
        return arms.stream().mapToDouble(a -> Results.summary(a, key)).toArray();
    }

    /**
     * "|x| is within {@code tol}": holds when {@code |mean| + 2 SE <= tol}, fails when {@code |mean| - 2 SE > tol},
     * inconclusive otherwise. SE combines the seed spread (unknown with one seed, then 0) with the Monte Carlo
     * standard errors {@code mcSe} of the per-seed values (their root mean square).
     */
    static Outcome within(double[] x, double[] mcSe, double tol) {
        if (x.length == 0) {
            return Outcome.INCONCLUSIVE;
        }
        double ms = 0;
        for (double e : mcSe) {
            ms += e * e / mcSe.length;
        }
        SpreadRules.Gap g = SpreadRules.gapOf(x, new double[x.length], Math.sqrt(ms));
        if (Math.abs(g.mean()) + SpreadRules.Z * g.se() <= tol) {
            return Outcome.HOLDS;
        }
        return Math.abs(g.mean()) - SpreadRules.Z * g.se() > tol ? Outcome.FAILS : Outcome.INCONCLUSIVE;
    }

    /** Per arm: {@code low < value < high} of three summary keys. */
    static List<Boolean> between(List<ArmOutcome> arms, String low, String value, String high) {
        List<Boolean> out = new ArrayList<>();
        for (ArmOutcome a : arms) {
            out.add(Results.summary(a, low) < Results.summary(a, value)
                    && Results.summary(a, value) < Results.summary(a, high));
        }
        return out;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static String list(double[] v) {
        List<String> s = new ArrayList<>();
        for (double x : v) {
            s.add(fmt(x));
        }
        return String.join(", ", s);
    }

    static double mean(double[] v) {
        double m = 0;
        for (double x : v) {
            m += x / v.length;
        }
        return v.length == 0 ? Double.NaN : m;
    }

    static String tail(String problem) {
        return problem == null ? "" : "; " + problem;
    }
}
