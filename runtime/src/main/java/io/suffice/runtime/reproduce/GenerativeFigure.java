package io.suffice.runtime.reproduce;

import io.suffice.runtime.reproduce.Verdict.Outcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rules of the generative figures (denoiser {@code clip-fig2c}, VLM {@code clip-fig2d}), one sweep over
 * {@code task.conditioning} (frozen, joint, none) per seed:
 * <ul>
 *   <li>(1) useful features: per seed, {@code Bayes < frozen < no-conditioning Bayes} (the model on frozen CLIP
 *       features beats the best predictor that ignores the other modality); {@link SpreadRules#everySeed};</li>
 *   <li>(2) frozen close to joint: the mean {@code |frozen - joint|} over the seeds is at most 10% of the
 *       conditioning gain {@code no-conditioning Bayes - Bayes} (holds), above 25% (fails), inconclusive
 *       between.</li>
 * </ul>
 */
abstract class GenerativeFigure implements Reproduction {
    static final double CLOSE = 0.10;
    static final double FAR = 0.25;

    /** The config of the laptop sweep. */
    abstract String config();

    /** The evaluated metric ({@code eval_mse}, {@code eval_ce}); its Bayes keys add {@code bayes}, {@code no_cond}. */
    abstract String metric();

    /** What the paper reports. */
    abstract String paper();

    private String bayes() {
        return metric().replace("eval_", "eval_bayes_");
    }

    private String noCond() {
        return bayes() + "_no_cond";
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (scale == Scale.PAPER) {
            o.putAll(Map.of("dataset.depth", 4, "encoder.width", 128, "encoder.depth", 5, "task.width", 128,
                    "task.depth", 9, "task.steps", 30000, "task.batch", 128, "task.clip-steps", 40000,
                    "task.clip-batch", 128, "run.device", "cuda"));
            o.put("optimizer.stepsize", 1.0e-3);
        }
        o.put("sweep.run.seed", List.of(1));
        return List.of(new Part("train", Configs.load(config(), o)));
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 8 : 3 * 60;
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<ArmOutcome> frozen = results.arms("train", "task.conditioning", "frozen");
        List<ArmOutcome> joint = results.arms("train", "task.conditioning", "joint");
        String problem = results.problem("train");
        List<String> text = new ArrayList<>();
        for (ArmOutcome a : frozen) {
            text.add(LargeStepsizeClaims.label(a) + ": Bayes " + ClipClaims.fmt(Results.summary(a, bayes()))
                    + " < model " + ClipClaims.fmt(Results.summary(a, metric())) + " < no-conditioning Bayes "
                    + ClipClaims.fmt(Results.summary(a, noCond())));
        }
        double diff = 0;
        double gain = 0;
        int n = Math.min(frozen.size(), joint.size());
        for (int i = 0; i < n; i++) {
            diff += Math.abs(Results.summary(frozen.get(i), metric()) - Results.summary(joint.get(i), metric())) / n;
            gain += (Results.summary(frozen.get(i), noCond()) - Results.summary(frozen.get(i), bayes())) / n;
        }
        double share = diff / gain;
        Outcome close = n == 0 || !(gain > 0) ? Outcome.INCONCLUSIVE
                : share <= CLOSE ? Outcome.HOLDS : share > FAR ? Outcome.FAILS : Outcome.INCONCLUSIVE;
        List<String> frozenText = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            frozenText.add(ClipClaims.fmt(Results.summary(frozen.get(i), metric())) + " vs "
                    + ClipClaims.fmt(Results.summary(joint.get(i), metric())));
        }
        return List.of(
                new Verdict(id() + "/useful", "On frozen CLIP features the model beats the best predictor without "
                        + "the other modality (between it and Bayes).", String.join("; ", text), paper(),
                        SpreadRules.everySeed(ClipClaims.between(frozen, bayes(), metric(), noCond())),
                        "rule: Bayes < frozen < no-conditioning Bayes in every seed" + ClipClaims.tail(problem)),
                new Verdict(id() + "/frozen-vs-joint", "Frozen CLIP features do about as well as end-to-end "
                        + "training.", "frozen vs joint " + metric() + ": " + String.join("; ", frozenText)
                        + "; |gap| = " + ClipClaims.fmt(100 * share) + "% of the conditioning gain",
                        "frozen close to joint (paper)", close, "rule: |frozen - joint| <= 10% of (no-conditioning "
                        + "Bayes - Bayes) holds, > 25% fails" + ClipClaims.tail(problem)));
    }
}
