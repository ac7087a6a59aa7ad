package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.MetricPlots;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ls-adaptive}: the adaptive stepsize {@code eta_t = eta / L(w_t)} (ICML 2025 follow-up, proved for the linear
 * model; an extension here) against constant stepsizes, on the XOR data of {@code ls-fig2}. Rules, per data draw,
 * {@link SpreadRules#everySeed}: (1) the fewest steps to the target risk among the adaptive runs is below the fewest
 * among the constant ones; (2) among the adaptive runs the steps to the target do not increase with {@code eta}
 * ("arbitrarily fast": larger eta, fewer steps; a "never" breaks it).
 */
final class LsAdaptive implements Reproduction {
    private static final String SEED = "dataset.seed";

    @Override
    public String id() {
        return "ls-adaptive";
    }

    @Override
    public String claim() {
        return "GD with the risk-normalised stepsize eta / L(w_t) reaches the target risk in fewer steps than "
                + "constant stepsizes, and faster the larger eta is.";
    }

    @Override
    public String source() {
        return "\"Gradient Descent Converges Arbitrarily Fast for Logistic Regression via Large and Adaptive "
                + "Stepsizes\" (ICML 2025), linear model; here the two-layer network of ls-fig2 on its XOR data";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 4 : 20;
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> paper = scale == Scale.LAPTOP ? Map.of()
                : Map.of("dataset.n", 400, "task.steps", 20000, "sweep.dataset.seed", List.of(0, 1, 2, 3, 4));
        return List.of(new Part("adaptive", Configs.load("ls-adaptive-adaptive", paper)),
                new Part("constant", Configs.load("ls-adaptive-constant", paper)));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        String problem = results.problem("adaptive") != null ? results.problem("adaptive")
                : results.problem("constant");
        var adaptive = LargeStepsizeClaims.bySeed(results.arms("adaptive"), SEED);
        var constant = LargeStepsizeClaims.bySeed(results.arms("constant"), SEED);
        List<Boolean> faster = new ArrayList<>();
        List<Boolean> ordered = new ArrayList<>();
        List<String> fasterText = new ArrayList<>();
        List<String> orderText = new ArrayList<>();
        for (var e : adaptive.entrySet()) {
            List<ArmOutcome> c = constant.get(e.getKey());
            List<ArmOutcome> a = new ArrayList<>(e.getValue());
            a.sort((x, y) -> Double.compare(Results.value(x, LargeStepsizeClaims.STEPSIZE),
                    Results.value(y, LargeStepsizeClaims.STEPSIZE)));
            double bestA = a.stream().mapToDouble(LargeStepsizeClaims::stepsToTarget).min().orElse(Double.NaN);
            if (c != null && !c.isEmpty()) {
                double bestC = c.stream().mapToDouble(LargeStepsizeClaims::stepsToTarget).min().orElse(Double.NaN);
                faster.add(bestA < bestC);
                fasterText.add("seed " + e.getKey() + ": adaptive " + text(bestA) + " vs constant " + text(bestC));
            }
            boolean mono = true;
            List<String> steps = new ArrayList<>();
            for (int i = 0; i < a.size(); i++) {
                double s = LargeStepsizeClaims.stepsToTarget(a.get(i));
                steps.add(text(s));
                if (i > 0 && s > LargeStepsizeClaims.stepsToTarget(a.get(i - 1))) {
                    mono = false;
                }
                if (Double.isInfinite(s)) {
                    mono = false;
                }
            }
            ordered.add(mono);
            orderText.add("seed " + e.getKey() + ": " + String.join(", ", steps));
        }
        if (!adaptive.isEmpty()) {
            String first = adaptive.keySet().iterator().next();
            Map<String, double[][]> curves = new LinkedHashMap<>();
            for (ArmOutcome x : results.arms("adaptive", SEED, first)) {
                curves.put("adaptive eta " + LargeStepsizeClaims.fmt(Results.value(x, LargeStepsizeClaims.STEPSIZE)),
                        Results.metrics(x).get("risk"));
            }
            for (ArmOutcome x : results.arms("constant", SEED, first)) {
                curves.put("constant " + LargeStepsizeClaims.fmt(Results.value(x, LargeStepsizeClaims.STEPSIZE)),
                        Results.metrics(x).get("risk"));
            }
            curves.values().removeIf(v -> v == null);
            MetricPlots.overlay(dir.resolve("ls-adaptive-risk.png"), "risk: adaptive eta / L(w_t) vs constant, XOR "
                    + SEED + "=" + first, "step t", "risk", curves);
        }
        String tail = problem == null ? "" : "; " + problem;
        return List.of(
                new Verdict(id() + "/faster", "The adaptive stepsize reaches the target risk in fewer steps than "
                        + "every constant stepsize tried.", String.join("; ", fasterText),
                        "fewer steps than constant stepsizes", faster.isEmpty() ? Outcome.INCONCLUSIVE
                        : SpreadRules.everySeed(faster), "rule: every data draw" + tail),
                new Verdict(id() + "/ordered", "With the adaptive rule a larger eta never needs more steps to "
                        + "the target.", "steps to target, eta ascending: " + String.join("; ", orderText),
                        "steps non-increasing in eta", ordered.isEmpty() ? Outcome.INCONCLUSIVE
                        : SpreadRules.everySeed(ordered), "rule: every data draw; a 'never' fails the draw" + tail));
    }

    private static String text(double steps) {
        return Double.isInfinite(steps) ? "never" : Double.isNaN(steps) ? "n/a" : String.valueOf((long) steps);
    }
}
