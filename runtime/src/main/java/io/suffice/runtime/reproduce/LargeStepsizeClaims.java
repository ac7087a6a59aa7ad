package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.MetricPlots;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rules of the large-stepsize claims (Cai, Wu, Mei, Lindsey, Bartlett, NeurIPS 2024), fixed before any run and
 * repeated in docs/REPRODUCTION.md. An arm "oscillates" when its risk increased at least once
 * ({@code risk_increases > 0}); its stable phase starts at {@code t0 = max(2 (transition + 1), T / 10)}, T the
 * last step, transition the last step at which the risk increased.
 * <ul>
 *   <li><b>acceleration</b>: per seed, the fewest steps to the target risk among oscillating stepsizes is below the
 *       fewest among monotone ones ("never" counts as infinitely many); a seed without both kinds is not counted;
 *       {@link SpreadRules#everySeed} over the counted seeds;</li>
 *   <li><b>rate</b>: per oscillating arm, {@code eta t L(W_t)} over the stable phase stays within a factor 2 of its
 *       value at {@code t0} (risks below 1e-300, the floating-point floor, are left out): {@code max / value(t0)
 *       <= 2}; {@link SpreadRules#everySeed} over the arms;</li>
 *   <li><b>margin</b>: per oscillating arm, the normalized margin at T is at least its value at {@code t0}, and no
 *       drop below its running maximum after {@code t0} exceeds 10% of that maximum's magnitude;
 *       {@link SpreadRules#everySeed} over the arms.</li>
 * </ul>
 */
final class LargeStepsizeClaims {
    static final String STEPSIZE = "optimizer.stepsize";
    /** Largest tolerated growth of eta t L over the stable phase. */
    static final double RATE_FACTOR = 2;
    /** Largest tolerated margin drop, relative to the running maximum. */
    static final double MARGIN_DROP = 0.1;

    private LargeStepsizeClaims() {
    }

    static boolean oscillates(ArmOutcome arm) {
        return Results.summary(arm, "risk_increases") > 0;
    }

    static double stepsToTarget(ArmOutcome arm) {
        double s = Results.summary(arm, "steps_to_target");
        return s < 0 || Double.isNaN(s) ? Double.POSITIVE_INFINITY : s;
    }

    /** Arms grouped by the value of {@code seedKey} (sorted). */
    static Map<String, List<ArmOutcome>> bySeed(List<ArmOutcome> arms, String seedKey) {
        Map<String, List<ArmOutcome>> out = new TreeMap<>();
        for (ArmOutcome a : arms) {
            out.computeIfAbsent(String.valueOf(a.values().get(seedKey)), k -> new ArrayList<>()).add(a);
        }
        return out;
    }

    static Verdict acceleration(String figure, List<ArmOutcome> arms, String seedKey, String problem) {
        String claim = "A stepsize that makes the risk oscillate reaches the target risk in fewer steps than every "
                + "stepsize that keeps it monotone.";
        String expected = "oscillating stepsizes reach the target first (Fig. 2a; O(1/T^2) vs Omega(1/t))";
        if (arms.isEmpty()) {
            return new Verdict(figure, claim, "", expected, Outcome.INCONCLUSIVE, orNotRun(problem));
        }
        List<Boolean> perSeed = new ArrayList<>();
        List<String> measured = new ArrayList<>();
        for (var e : bySeed(arms, seedKey).entrySet()) {
            ArmOutcome bestOsc = null;
            ArmOutcome bestMono = null;
            for (ArmOutcome a : e.getValue()) {
                if (oscillates(a)) {
                    bestOsc = bestOsc == null || stepsToTarget(a) < stepsToTarget(bestOsc) ? a : bestOsc;
                } else {
                    bestMono = bestMono == null || stepsToTarget(a) < stepsToTarget(bestMono) ? a : bestMono;
                }
            }
            if (bestOsc == null || bestMono == null) {
                measured.add(seedKey + "=" + e.getKey() + ": " + (bestOsc == null ? "no oscillating stepsize"
                        : "no monotone stepsize") + " (not counted)");
                continue;
            }
            perSeed.add(stepsToTarget(bestOsc) < stepsToTarget(bestMono));
            measured.add(seedKey + "=" + e.getKey() + ": oscillating " + steps(bestOsc) + " vs monotone "
                    + steps(bestMono));
        }
        Outcome o = SpreadRules.everySeed(perSeed);
        return new Verdict(figure, claim, String.join("; ", measured), expected, o,
                "fewest steps to the target per seed (rule: every counted seed; fails if half or more disagree)"
                        + (problem == null ? "" : "; " + problem));
    }

    private static String steps(ArmOutcome a) {
        double s = stepsToTarget(a);
        return (Double.isInfinite(s) ? "never" : String.valueOf((long) s)) + " (eta " + fmt(Results.value(a,
                STEPSIZE)) + ")";
    }

    /** {@code t0} of an arm: the start of its stable phase. */
    static double stableStart(ArmOutcome arm, double lastStep) {
        return Math.max(2 * (Results.summary(arm, "phase_transition_step") + 1), lastStep / 10);
    }

    static Verdict rate(String figure, List<ArmOutcome> arms, String problem) {
        String claim = "After the transition the risk decreases like 1/(eta t): eta * t * L(W_t) stays flat.";
        String expected = "eta t L bounded (flat) over the stable phase (Fig. 2b)";
        List<Boolean> pass = new ArrayList<>();
        List<String> measured = new ArrayList<>();
        for (ArmOutcome a : arms) {
            if (!oscillates(a)) {
                continue;
            }
            double[][] risk = Results.metrics(a).get("risk");
            if (risk == null) {
                continue;
            }
            double eta = Results.value(a, STEPSIZE);
            double t0 = stableStart(a, risk[0][risk[0].length - 1]);
            double first = Double.NaN;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < risk[0].length; i++) {
                double t = risk[0][i];
                double l = risk[1][i];
                if (t < t0 || !(l > 1e-300)) {
                    continue;
                }
                double r = eta * t * l;
                first = Double.isNaN(first) ? r : first;
                max = Math.max(max, r);
            }
            if (Double.isNaN(first)) {
                continue;
            }
            double factor = max / first;
            pass.add(factor <= RATE_FACTOR);
            measured.add(label(a) + ": x" + fmt(factor) + " (from " + fmt(first) + ")");
        }
        Outcome o = SpreadRules.everySeed(pass);
        return new Verdict(figure, claim, measured.isEmpty() ? "no oscillating arm" : "max(eta t L)/value at t0: "
                + String.join("; ", measured), expected, o, "rule: growth factor <= " + fmt(RATE_FACTOR)
                + " in every oscillating arm (t0 = max(2(transition+1), T/10))" + (problem == null ? ""
                : "; " + problem));
    }

    static Verdict margin(String figure, List<ArmOutcome> arms, String problem) {
        String claim = "After the transition the normalized margin increases nearly monotonically.";
        String expected = "nearly monotone margin in the stable phase (Fig. 2c)";
        List<Boolean> pass = new ArrayList<>();
        List<String> measured = new ArrayList<>();
        for (ArmOutcome a : arms) {
            if (!oscillates(a)) {
                continue;
            }
            double[][] m = Results.metrics(a).get("normalized_margin");
            if (m == null) {
                continue;
            }
            double t0 = stableStart(a, m[0][m[0].length - 1]);
            double start = Double.NaN;
            double runMax = Double.NEGATIVE_INFINITY;
            double drop = 0;
            double end = Double.NaN;
            for (int i = 0; i < m[0].length; i++) {
                if (m[0][i] < t0 || !Double.isFinite(m[1][i])) {
                    continue;
                }
                start = Double.isNaN(start) ? m[1][i] : start;
                runMax = Math.max(runMax, m[1][i]);
                drop = Math.max(drop, runMax - m[1][i]);
                end = m[1][i];
            }
            if (Double.isNaN(start)) {
                continue;
            }
            boolean ok = end >= start && drop <= MARGIN_DROP * Math.abs(runMax);
            pass.add(ok);
            measured.add(label(a) + ": " + fmt(start) + " -> " + fmt(end) + ", largest drop " + fmt(drop));
        }
        Outcome o = SpreadRules.everySeed(pass);
        return new Verdict(figure, claim, measured.isEmpty() ? "no oscillating arm" : String.join("; ", measured),
                expected, o, "rule: margin(T) >= margin(t0) and drops <= " + (int) (100 * MARGIN_DROP)
                + "% of the running max, every oscillating arm" + (problem == null ? "" : "; " + problem));
    }

    /** Risk, eta t L and margin panels of the arms of one seed. */
    static void panels(Path dir, String prefix, String scaling, List<ArmOutcome> arms) {
        Map<String, double[][]> risk = new LinkedHashMap<>();
        Map<String, double[][]> rate = new LinkedHashMap<>();
        Map<String, double[][]> margin = new LinkedHashMap<>();
        for (ArmOutcome a : arms) {
            Map<String, double[][]> m = Results.metrics(a);
            double eta = Results.value(a, STEPSIZE);
            String label = "eta " + fmt(eta) + (oscillates(a) ? " (oscillates)" : "");
            double[][] r = m.get("risk");
            if (r != null) {
                risk.put(label, r);
                double[] etl = new double[r[0].length];
                for (int i = 0; i < etl.length; i++) {
                    etl[i] = r[1][i] > 1e-300 ? eta * r[0][i] * r[1][i] : Double.NaN;
                }
                rate.put(label, new double[][]{r[0], etl});
            }
            if (m.get("normalized_margin") != null) {
                margin.put(label, m.get("normalized_margin"));
            }
        }
        MetricPlots.overlay(dir.resolve(prefix + "-a-risk.png"), "(a) training risk, " + scaling, "step t",
                "risk L(W_t)", risk);
        MetricPlots.overlay(dir.resolve(prefix + "-b-rate.png"), "(b) eta t L(W_t): flat after the transition",
                "step t", "eta * t * L", rate);
        MetricPlots.overlay(dir.resolve(prefix + "-c-margin.png"), "(c) normalized margin, " + scaling, "step t",
                "normalized margin", margin);
    }

    static String label(ArmOutcome a) {
        return a.values().entrySet().stream().map(e -> shortKey(e.getKey()) + "=" + e.getValue())
                .reduce((x, y) -> x + " " + y).orElse("run");
    }

    private static String shortKey(String key) {
        return key.equals(STEPSIZE) ? "eta" : key;
    }

    static String orNotRun(String problem) {
        return problem == null ? "no finished arms" : problem;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, "%.3g", v);
    }
}
