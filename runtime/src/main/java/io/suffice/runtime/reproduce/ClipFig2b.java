package io.suffice.runtime.reproduce;

import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code clip-fig2b}: zero-shot classification from the frozen depth-(L+1) encoders: the cross-entropy against the
 * number M of prompts fits {@code A/M + B}, with B close to the Bayes zero-shot cross-entropy. Rule:
 * {@code zsc_fit_b_excess} (B minus Bayes) is within 0.05 ({@link ClipClaims#within}, seed spread).
 */
final class ClipFig2b implements Reproduction {
    static final double TOLERANCE = 0.05;

    /**
     * Monte Carlo standard error of the excess: model minus Bayes zero-shot cross-entropy, paired per image
     * (ClipEvaluation's {@code zsc_excess_se}).
     */
    static final String EXCESS_SE = "zsc_excess_se";

    @Override
    public String id() {
        return "clip-fig2b";
    }

    @Override
    public String claim() {
        return "Zero-shot cross-entropy falls like A/M + B in the number of prompts, with B within about 0.05 of "
                + "the Bayes zero-shot risk.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), Fig. 2b (zero-shot risk within about 0.05 of Bayes); laptop: the 3-block "
                + "encoders of the depth-2 tree, 10k steps, 2 seeds, 2,000 zero-shot images";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 12 : 2 * 115;
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> o = new LinkedHashMap<>(scale == Scale.PAPER ? ClipClaims.PAPER_CLIP : Map.of());
        o.put("task.zero-shot-images", 2000);
        o.put("sweep.run.seed", List.of(1, 2));
        return List.of(new Part("train", Configs.load("clip-laptop", o)));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<ArmOutcome> arms = results.arms("train");
        double[] excess = ClipClaims.values(arms, "zsc_fit_b_excess");
        double[] b = ClipClaims.values(arms, "zsc_fit_b");
        double[] se = ClipClaims.values(arms, EXCESS_SE);
        return List.of(new Verdict(id(), claim(), "B " + ClipClaims.list(b) + "; B - Bayes " + ClipClaims.list(excess)
                + " (SE " + ClipClaims.list(se) + ")", "B - Bayes within about 0.05 (paper, every p)",
                ClipClaims.within(excess, se, TOLERANCE), "rule: |mean| + 2 SE <= 0.05 holds, |mean| - 2 SE > 0.05 "
                + "fails; SE = seed spread and the paired per-image Monte Carlo SE" + ClipClaims.tail(
                        results.problem("train"))));
    }
}
