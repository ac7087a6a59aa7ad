package io.suffice.runtime.reproduce;

import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code clip-fig2a}: excess CLIP risk of the depth-(L+1) encoder against the 1-block one, and of the guided variant
 * (the authors' targets: max-normalised BP log-messages, lr 1e-3, penalty 1e-3). Rules ({@link SpreadRules#gap}
 * on paired seeds of {@code eval_excess_clip_risk}, the fresh-sample CLIP risk minus the Bayes risk on the same
 * groups): (1) shallow minus standard &gt; 0; (2) standard minus guided &gt; 0.
 */
final class ClipFig2a implements Reproduction {
    static final String KEY = "eval_excess_clip_risk";

    @Override
    public String id() {
        return "clip-fig2a";
    }

    @Override
    public String claim() {
        return "The depth-(L+1) transformer gets closer to the Bayes CLIP risk than a 1-block one, and the "
                + "BP-guided variant closer still.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), Fig. 2a (p = 0.2: excess 0.12 shallow, 0.06 standard, < 0.01 guided, "
                + "depth-4 tree, width 128, 40k steps); laptop: depth-2 tree, width 32, 3 vs 1 block, 10k steps, "
                + "2 seeds";
    }

    @Override
    public double estimatedMinutes(Scale scale) {
        return scale == Scale.LAPTOP ? 28 : 6 * 115;
    }

    @Override
    public List<Part> parts(Scale scale) {
        Map<String, Object> base = new LinkedHashMap<>(scale == Scale.PAPER ? ClipClaims.PAPER_CLIP : Map.of());
        int deep = scale == Scale.PAPER ? 5 : 3;
        Map<String, Object> standard = new LinkedHashMap<>(base);
        standard.put("sweep.encoder.depth", List.of(1, deep));
        standard.put("sweep.run.seed", List.of(1, 2));
        Map<String, Object> guided = new LinkedHashMap<>(base);
        guided.put("encoder.depth", deep);
        guided.put("task.guide-penalty", 1.0e-3);
        guided.put("task.guide-target", "log-messages");
        guided.put("optimizer.stepsize", 1.0e-3);
        guided.put("sweep.run.seed", List.of(1, 2));
        return List.of(new Part("standard", Configs.load("clip-laptop", standard)),
                new Part("guided", Configs.load("clip-laptop", guided)));
    }

    @Override
    public List<Verdict> judge(Results results, Path dir) {
        List<ArmOutcome> shallow = results.arms("standard", "encoder.depth", 1);
        List<ArmOutcome> deep = results.arms("standard").stream()
                .filter(a -> Results.value(a, "encoder.depth") > 1).toList();
        List<ArmOutcome> guided = results.arms("guided");
        double[] s = ClipClaims.values(shallow, KEY);
        double[] d = ClipClaims.values(deep, KEY);
        double[] g = ClipClaims.values(guided, KEY);
        String p1 = results.problem("standard");
        String p2 = results.problem("guided");
        return List.of(
                new Verdict(id() + "/depth", "The depth-(L+1) encoder has a lower excess CLIP risk than the 1-block "
                        + "one.", "excess shallow " + ClipClaims.list(s) + "; standard " + ClipClaims.list(d)
                        + "; gap " + SpreadRules.gapOf(s, d, 0).text(), "0.12 vs 0.06 (paper, p = 0.2)",
                        SpreadRules.gap(s, d, 0), "rule: mean paired gap > 2 SE of the seeds" + ClipClaims.tail(p1)),
                new Verdict(id() + "/guided", "The guided depth-(L+1) encoder has a lower excess than the standard "
                        + "one.", "excess standard " + ClipClaims.list(d) + "; guided " + ClipClaims.list(g)
                        + "; gap " + SpreadRules.gapOf(d, g, 0).text(), "0.06 vs < 0.01 (paper)",
                        SpreadRules.gap(d, g, 0), "rule: mean paired gap > 2 SE of the seeds; guided: log-messages, "
                        + "lr 1e-3, penalty 1e-3" + ClipClaims.tail(p1 != null ? p1 : p2)));
    }
}
