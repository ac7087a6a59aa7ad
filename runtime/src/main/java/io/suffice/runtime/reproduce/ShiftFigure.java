package io.suffice.runtime.reproduce;

import io.suffice.runtime.run.RunOutcome;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The distribution-shift figures: encoders trained at p = 0.2, then evaluated (no training: {@code run.resume} of
 * the training run) on data with a shifted flip probability, beside the true Bayes risk ({@code bp-p = -1}) and BP
 * run with the training matrices ({@code bp-p = 0.2}). Rule: a shifted value decides only when the model's
 * fresh-sample CLIP risk lies closer to one oracle than the two oracles lie to each other; it then counts for the
 * claim when that oracle is the mis-specified BP ("the models track BP with the wrong matrices"), against it when it
 * is the true Bayes risk; {@link SpreadRules#everySeed} over the deciding values, inconclusive when none decides.
 * (A first version compared only the two distances: a model worse than both oracles then always "tracked" the
 * mis-specified one, whose risk is the larger; that rule could not fail and was replaced before any verdict was
 * reported.)
 */
abstract class ShiftFigure implements Reproduction {
    static final List<Double> SHIFTED = List.of(0.1, 0.15, 0.25, 0.3);
    static final String RISK = "eval_clip_risk";
    static final String BAYES = "eval_bayes_clip_risk";

    /** The dataset key the shift sweeps ({@code dataset.p}: both modalities; {@code dataset.image-p}: one). */
    abstract String shiftedKey();

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 10 : 2 * 60;
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> train = new LinkedHashMap<>(scale == Scale.PAPER ? ClipClaims.PAPER_CLIP : Map.of());
        train.put("run.checkpoint-every", 1000);
        Map<String, Object> shift = new LinkedHashMap<>(train);
        shift.put("task.probe-train", 0);
        shift.put("task.zero-shot-images", 0);
        shift.put("sweep." + shiftedKey(), SHIFTED);
        shift.put("sweep.dataset.bp-p", List.of(-1, 0.2));
        return List.of(new Part("train", Configs.load("clip-laptop", train)),
                new Part("shift", Configs.load("clip-laptop", shift), r -> {
                    RunOutcome t = r.part("train");
                    if (t == null || !t.succeeded()) {
                        throw new IllegalStateException("the training part did not finish");
                    }
                    return Map.of("run.resume", t.folder().toString());
                }));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<Boolean> pass = new ArrayList<>();
        List<String> text = new ArrayList<>();
        for (double v : SHIFTED) {
            List<ArmOutcome> arms = results.arms("shift", shiftedKey(), v);
            ArmOutcome truth = arms.stream().filter(a -> Results.value(a, "dataset.bp-p") < 0).findFirst()
                    .orElse(null);
            ArmOutcome wrong = arms.stream().filter(a -> Results.value(a, "dataset.bp-p") > 0).findFirst()
                    .orElse(null);
            if (truth == null || wrong == null) {
                continue;
            }
            double model = Results.summary(truth, RISK);
            double bayes = Results.summary(truth, BAYES);
            double misspecified = Results.summary(wrong, BAYES);
            double oracles = Math.abs(misspecified - bayes);
            double toWrong = Math.abs(model - misspecified);
            double toTrue = Math.abs(model - bayes);
            String decided = "undecided: the model is farther from both than they are from each other";
            if (Math.min(toWrong, toTrue) < oracles) {
                pass.add(toWrong < toTrue);
                decided = toWrong < toTrue ? "tracks BP(0.2)" : "tracks Bayes";
            }
            text.add(shiftedKey() + "=" + v + ": model " + ClipClaims.fmt(model) + ", BP(0.2) "
                    + ClipClaims.fmt(misspecified) + ", Bayes " + ClipClaims.fmt(bayes) + " (" + decided + ")");
        }
        String problem = results.problem("train") != null ? results.problem("train") : results.problem("shift");
        return List.of(new Verdict(id(), claim(), String.join("; ", text),
                "closer to BP with the training matrices than to Bayes", SpreadRules.everySeed(pass),
                "rule: at every deciding value the model is nearer BP(0.2) than Bayes, and nearer than the two "
                        + "oracles are to each other; no deciding value: inconclusive (one seed)"
                        + ClipClaims.tail(problem)));
    }
}
