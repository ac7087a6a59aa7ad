package io.suffice.runtime.reproduce;

import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code clip-fig7}: the real-data analogue, CLIP on Fashion-MNIST images with captions: zero-shot classification
 * from the class names against a linear probe on the image features and a supervised model of the same size. Rules
 * ({@link ClipClaims#within}, paired seeds): (1) zero-shot minus supervised top-1 accuracy within 0.02; (2) zero-shot
 * minus probe within 0.02.
 */
final class ClipFig7 implements Reproduction {
    static final double TOLERANCE = 0.02;

    @Override
    public String id() {
        return "clip-fig7";
    }

    @Override
    public String claim() {
        return "On real images with captions, zero-shot classification from contrastive features is about as "
                + "accurate as a linear probe and as a supervised model of the same size.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), the real-data experiment (Fig. 7 in our numbering); here Fashion-MNIST "
                + "with template captions (experiments/fmnist-captions.yaml), 1,000 steps, 2 seeds";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 3 : 10;
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> o = new LinkedHashMap<>();
        if (scale == Scale.PAPER) {
            o.put("task.steps", 10000);
        }
        o.put("sweep.run.seed", List.of(1, 2));
        return List.of(new Part("train", Configs.load("fmnist-captions", o)));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<ArmOutcome> arms = results.arms("train");
        double[] zs = ClipClaims.values(arms, "zero_shot_top1");
        double[] sup = ClipClaims.values(arms, "supervised_top1");
        double[] probe = ClipClaims.values(arms, "probe_top1");
        double[] vsSup = new double[zs.length];
        double[] vsProbe = new double[zs.length];
        for (int i = 0; i < zs.length; i++) {
            vsSup[i] = zs[i] - sup[i];
            vsProbe[i] = zs[i] - probe[i];
        }
        String problem = results.problem("train");
        // the seed spread only: the summaries carry no sampling error of the test accuracies
        String rule = "rule: |mean| + 2 SE <= 0.02 holds, |mean| - 2 SE > 0.02 fails (SE of the seeds)";
        return List.of(
                new Verdict(id() + "/vs-supervised", "Zero-shot accuracy is within 0.02 of the supervised model's.",
                        "zero-shot " + ClipClaims.list(zs) + "; supervised " + ClipClaims.list(sup),
                        "about equal", ClipClaims.within(vsSup, new double[zs.length], TOLERANCE), rule + ClipClaims.tail(problem)),
                new Verdict(id() + "/vs-probe", "Zero-shot accuracy is within 0.02 of a linear probe's.",
                        "zero-shot " + ClipClaims.list(zs) + "; probe " + ClipClaims.list(probe),
                        "about equal", ClipClaims.within(vsProbe, new double[zs.length], TOLERANCE), rule + ClipClaims.tail(problem)));
    }
}
