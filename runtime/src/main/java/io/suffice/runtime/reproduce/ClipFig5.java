package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code clip-fig5} (our reading of the paper's sweep over the flip probability p): encoders trained at each p reach a
 * zero-shot cross-entropy within about 0.05 of the Bayes value at every p. Rule: per p, {@link ClipClaims#within} with
 * the excess's paired per-image Monte Carlo standard error; {@link SpreadRules#everyCase} over the p values.
 */
final class ClipFig5 implements Reproduction {
    @Override
    public String id() {
        return "clip-fig5";
    }

    @Override
    public String claim() {
        return "Across flip probabilities p, the zero-shot risk of the trained encoders stays within about 0.05 of "
                + "the Bayes zero-shot risk.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), the sweep over p (0.02 ... 0.40; our reading of Fig. 5); laptop: p in "
                + "{0.1, 0.2, 0.3}, depth-2 tree, 3-block encoders, 10k steps, 1 seed";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 18 : 20 * 115;
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> o = new LinkedHashMap<>(scale == Scale.PAPER ? ClipClaims.PAPER_CLIP : Map.of());
        o.put("sweep.dataset.p", scale == Scale.PAPER
                ? List.of(0.02, 0.04, 0.06, 0.08, 0.1, 0.12, 0.14, 0.16, 0.18, 0.2, 0.22, 0.24, 0.26, 0.28, 0.3,
                0.32, 0.34, 0.36, 0.38, 0.4) : List.of(0.1, 0.2, 0.3));
        return List.of(new Part("train", Configs.load("clip-laptop", o)));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<Outcome> perP = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (ArmOutcome a : results.arms("train")) {
            double e = Results.summary(a, "zsc_fit_b_excess");
            double se = Results.summary(a, ClipFig2b.EXCESS_SE);
            perP.add(ClipClaims.within(new double[]{e}, new double[]{se}, ClipFig2b.TOLERANCE));
            text.add("p=" + a.values().get("dataset.p") + ": B - Bayes " + ClipClaims.fmt(e) + " +- "
                    + ClipClaims.fmt(se) + ", CLIP excess " + ClipClaims.fmt(Results.summary(a, ClipFig2a.KEY)));
        }
        return List.of(new Verdict(id(), claim(), String.join("; ", text), "within about 0.05 at every p",
                SpreadRules.everyCase(perP), "rule: per p, B - Bayes + 2 SE <= 0.05 holds, - 2 SE > 0.05 fails (SE: "
                + "the paired per-image Monte Carlo SE, one seed per p); holds at every p, fails at half or more"
                + ClipClaims.tail(results.problem("train"))));
    }
}
