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
 * {@code ls-fig1}: Fig. 1 of Cai et al. (NeurIPS 2024), beyond two layers: a four-layer GELU MLP trained by GD with
 * a large (oscillating) and a small (monotone) stepsize on a two-class Fashion-MNIST subset with a held-out test
 * split. Rules, over the initialisations (pairs of arms with the same seed):
 * <ul>
 *   <li>the large stepsize must oscillate ({@code risk_increases > 0}) in at least one seed, else every claim is
 *       inconclusive (not the paper's regime);</li>
 *   <li>(a) risk: the large stepsize ends at a lower training risk, {@link SpreadRules#everySeed};</li>
 *   <li>(b) margin: the large stepsize ends at a larger margin normalised by {@code ||W||^4},
 *       {@link SpreadRules#everySeed};</li>
 *   <li>(c) test accuracy: {@link SpreadRules#gap} of (large - small), with the binomial standard error
 *       {@code sqrt(2 a (1 - a) / n_test)} of a difference of two accuracies on the same test set as the Monte
 *       Carlo error.</li>
 * </ul>
 */
final class LsFig1 implements Reproduction {
    private static final String SEED = "run.seed";

    @Override
    public String id() {
        return "ls-fig1";
    }

    @Override
    public String claim() {
        return "For a four-layer GELU MLP, a large oscillating stepsize reaches a lower risk, a larger normalised "
                + "margin and a better test accuracy than a small monotone one.";
    }

    @Override
    public String source() {
        return "Cai, Wu, Mei, Lindsey, Bartlett (NeurIPS 2024), Fig. 1: 4-layer GELU MLP on 6,000 CIFAR-10 images "
                + "(airplane vs automobile), stepsizes 0.2 and 0.005; here 300 Fashion-MNIST images (T-shirt vs "
                + "shirt) with 500 held-out ones, width 32, stepsizes 2 and 0.25 (our parametrisation), task mlp-gd";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 15 : 60;
    }

    @Override
    public List<Part> parts(Scale scale) {
        if (scale == Scale.LAPTOP) {
            return List.of(new Part("fmnist", Configs.load("ls-fig1")));
        }
        return List.of(new Part("fmnist", Configs.load("ls-fig1", Map.of("dataset.n", 6000, "dataset.test-n", 2000,
                "task.width", 128, "task.steps", 10000))));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        String problem = results.problem("fmnist");
        List<ArmOutcome> arms = results.arms("fmnist");
        Map<String, ArmOutcome[]> pairs = new LinkedHashMap<>(); // seed -> {small, large}
        double small = Double.POSITIVE_INFINITY;
        double large = Double.NEGATIVE_INFINITY;
        for (ArmOutcome a : arms) {
            small = Math.min(small, Results.value(a, LargeStepsizeClaims.STEPSIZE));
            large = Math.max(large, Results.value(a, LargeStepsizeClaims.STEPSIZE));
        }
        for (ArmOutcome a : arms) {
            ArmOutcome[] p = pairs.computeIfAbsent(String.valueOf(a.values().get(SEED)), k -> new ArmOutcome[2]);
            p[Results.value(a, LargeStepsizeClaims.STEPSIZE) == small ? 0 : 1] = a;
        }
        pairs.values().removeIf(p -> p[0] == null || p[1] == null);
        boolean oscillated = pairs.values().stream().anyMatch(p -> LargeStepsizeClaims.oscillates(p[1]));
        String regime = pairs.isEmpty() ? LargeStepsizeClaims.orNotRun(problem)
                : oscillated ? null : "the large stepsize never oscillated: not the paper's regime";

        List<Boolean> riskPass = new ArrayList<>();
        List<Boolean> marginPass = new ArrayList<>();
        double[] accLarge = new double[pairs.size()];
        double[] accSmall = new double[pairs.size()];
        List<String> riskText = new ArrayList<>();
        List<String> marginText = new ArrayList<>();
        List<String> accText = new ArrayList<>();
        int i = 0;
        double testN = 0;
        for (var e : pairs.entrySet()) {
            ArmOutcome s = e.getValue()[0];
            ArmOutcome l = e.getValue()[1];
            double rs = Results.summary(s, "final_risk");
            double rl = Results.summary(l, "final_risk");
            double ms = Results.summary(s, "final_normalized_margin");
            double ml = Results.summary(l, "final_normalized_margin");
            riskPass.add(rl < rs);
            marginPass.add(ml > ms);
            accLarge[i] = Results.summary(l, "final_test_accuracy");
            accSmall[i] = Results.summary(s, "final_test_accuracy");
            riskText.add("seed " + e.getKey() + ": " + LargeStepsizeClaims.fmt(rl) + " vs " + LargeStepsizeClaims.fmt(rs));
            marginText.add("seed " + e.getKey() + ": " + LargeStepsizeClaims.fmt(ml) + " vs "
                    + LargeStepsizeClaims.fmt(ms));
            accText.add("seed " + e.getKey() + ": " + LargeStepsizeClaims.fmt(accLarge[i]) + " vs "
                    + LargeStepsizeClaims.fmt(accSmall[i]));
            i++;
        }
        Object n = arms.isEmpty() ? null : results.part("fmnist").arms().get(0).values().get("dataset.test-n");
        testN = n == null ? testSize(results) : ((Number) n).doubleValue();
        double meanAcc = 0;
        for (int k = 0; k < accLarge.length; k++) {
            meanAcc += (accLarge[k] + accSmall[k]) / (2.0 * accLarge.length);
        }
        double mcSe = testN > 0 ? Math.sqrt(2 * meanAcc * (1 - meanAcc) / testN) : 0;
        SpreadRules.Gap gap = SpreadRules.gapOf(accLarge, accSmall, mcSe);
        long smallIncreases = pairs.values().stream().mapToLong(p -> (long) Results.summary(p[0], "risk_increases"))
                .max().orElse(0);
        String sizes = "large eta " + LargeStepsizeClaims.fmt(large) + " vs small eta " + LargeStepsizeClaims.fmt(small)
                + (oscillated ? "" : " (large did not oscillate)")
                + (smallIncreases > 0 ? " (the small stepsize is not monotone either: up to " + smallIncreases
                + " risk increases)" : "");
        List<Verdict> out = new ArrayList<>();
        out.add(new Verdict(id() + "/a-risk", "The large stepsize ends at a lower training risk.",
                sizes + "; final risk large vs small: " + String.join("; ", riskText), "lower risk with the large "
                + "stepsize (Fig. 1a)", regime != null ? Outcome.INCONCLUSIVE : SpreadRules.everySeed(riskPass),
                regime != null ? regime : "rule: every seed"));
        out.add(new Verdict(id() + "/b-margin", "The large stepsize ends at a larger margin normalised by ||W||^4.",
                "final margin large vs small: " + String.join("; ", marginText), "larger normalised margin (Fig. 1b)",
                regime != null ? Outcome.INCONCLUSIVE : SpreadRules.everySeed(marginPass),
                regime != null ? regime : "rule: every seed"));
        out.add(new Verdict(id() + "/c-test-accuracy", "The large stepsize generalises better (higher test accuracy).",
                "test accuracy large vs small: " + String.join("; ", accText) + "; gap " + gap.text(),
                "higher test accuracy with the large stepsize (Fig. 1c)",
                regime != null ? Outcome.INCONCLUSIVE : SpreadRules.gap(accLarge, accSmall, mcSe),
                regime != null ? regime : "rule: mean gap > 2 SE (seed spread and binomial SE "
                        + LargeStepsizeClaims.fmt(mcSe) + " of " + (long) testN + " test images)"));
        if (!pairs.isEmpty()) {
            ArmOutcome[] p = pairs.values().iterator().next();
            for (String metric : List.of("risk", "normalized_margin", "test_accuracy")) {
                Map<String, double[][]> curves = new LinkedHashMap<>();
                for (ArmOutcome a : p) {
                    double[][] c = Results.metrics(a).get(metric);
                    if (c != null) {
                        curves.put("eta " + LargeStepsizeClaims.fmt(Results.value(a, LargeStepsizeClaims.STEPSIZE))
                                + (LargeStepsizeClaims.oscillates(a) ? " (oscillates)" : ""), c);
                    }
                }
                String panel = metric.equals("risk") ? "a" : metric.equals("normalized_margin") ? "b" : "c";
                MetricPlots.overlay(dir.resolve("ls-fig1-" + panel + "-" + metric.replace('_', '-') + ".png"),
                        "(" + panel + ") " + metric.replace('_', ' ') + (metric.equals("normalized_margin")
                                ? " (min y f / ||W||^4)" : "") + ", 4-layer GELU MLP, seed "
                                + p[0].values().get(SEED), "step", metric, curves);
            }
        }
        return out;
    }

    /** The held-out size from the first arm's config when the sweep does not vary it. */
    private static double testSize(Results results) {
        var part = results.part("fmnist");
        if (part == null || part.arms().isEmpty()) {
            return 0;
        }
        try {
            var tree = io.suffice.runtime.config.ConfigTree.read(part.arms().get(0).folder().resolve("config.yaml"));
            Object v = tree.get("dataset.test-n");
            return v instanceof Number num ? num.doubleValue() : 0;
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
