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
 * {@code ls-fig4}: the appendix toy of Cai et al. (NeurIPS 2024): five separable points in R^3 (max-margin 0.05),
 * two neurons with output weights +-1/2, {@code phi(z) = (z + softplus(z))/2}, GD with stepsize 3. Rule: in each
 * initialisation, at the last step both neurons' own normalized margins
 * ({@code min_i y_i a_j phi(w_j . x_i) / ||w_j||}) are negative and the network's normalized margin is positive;
 * {@link SpreadRules#everySeed} over the initialisations. Panel: the three margins of the first seed.
 */
final class LsFig4 implements Reproduction {
    @Override
    public String id() {
        return "ls-fig4";
    }

    @Override
    public String claim() {
        return "With stepsize 3 on five separable points, each neuron's own margin stays negative while the "
                + "two-neuron network's normalized margin becomes positive.";
    }

    @Override
    public String source() {
        return "Cai, Wu, Mei, Lindsey, Bartlett (NeurIPS 2024), appendix Fig. 4; the five points are ours (the "
                + "paper's are not available offline), built with max-margin 0.05 (dataset five-points)";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return 1;
    }

    @Override
    public List<Part> parts(Scale scale) {
        return List.of(new Part("toy", Configs.load("ls-fig4")));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<ArmOutcome> arms = results.arms("toy");
        String expected = "neuron margins < 0, network margin > 0";
        List<Boolean> pass = new ArrayList<>();
        List<String> measured = new ArrayList<>();
        for (ArmOutcome a : arms) {
            double n0 = Results.summary(a, "final_neuron_margin_0");
            double n1 = Results.summary(a, "final_neuron_margin_1");
            double net = Results.summary(a, "final_normalized_margin");
            pass.add(n0 < 0 && n1 < 0 && net > 0);
            measured.add(LargeStepsizeClaims.label(a) + ": neurons " + LargeStepsizeClaims.fmt(n0) + ", "
                    + LargeStepsizeClaims.fmt(n1) + "; network " + LargeStepsizeClaims.fmt(net));
        }
        String problem = results.problem("toy");
        Outcome o = SpreadRules.everySeed(pass);
        if (!arms.isEmpty()) {
            Map<String, double[][]> m = Results.metrics(arms.get(0));
            Map<String, double[][]> curves = new LinkedHashMap<>();
            for (String k : List.of("neuron_margin_0", "neuron_margin_1", "normalized_margin")) {
                if (m.containsKey(k)) {
                    curves.put(k.equals("normalized_margin") ? "network (normalized margin)" : k, m.get(k));
                }
            }
            MetricPlots.overlay(dir.resolve("ls-fig4-margins.png"), "Neuron margins and network margin, stepsize 3, "
                    + LargeStepsizeClaims.label(arms.get(0)), "step", "margin", curves);
        }
        return List.of(new Verdict(id(), claim(), measured.isEmpty() ? "" : String.join("; ", measured), expected, o,
                "rule: all three signs as expected at the last step in every initialisation"
                        + (problem == null ? "" : "; " + problem)));
    }
}
