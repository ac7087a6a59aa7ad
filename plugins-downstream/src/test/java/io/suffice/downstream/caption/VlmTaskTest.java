package io.suffice.downstream.caption;

import io.suffice.api.task.TaskResult;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.EngineRunContext;
import io.suffice.downstream.generative.GenerativeSettings;
import io.suffice.downstream.generative.ResumeRuns;
import io.suffice.encoders.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A short captioning run on a small JGHM (S=4, 9 text leaves) with the real engine and the training core. */
class VlmTaskTest {
    @TempDir
    Path dir;

    @Test
    void frozenImageConditioningTrainsTowardsBayesAndWritesCaptions() throws Exception {
        VlmSettings st = new VlmSettings(new GenerativeSettings(Conditioning.FROZEN, 400, 64, 16, 1, 1, 25, 1000,
                "", 200, 32, "image", "text"), 4, 100, 1.0);
        TaskResult r;
        EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir);
        try (ctx) {
            r = new VlmTask(st).run(ctx);
        }
        Map<String, Double> s = r.summary();
        System.out.println("vlm frozen: " + s);
        assertThat(ctx.rows().get(0)).containsKeys("loss", "next_token_ce", "first_token_ce");
        double first = ctx.rows().get(0).get("next_token_ce");
        assertThat(s).containsKeys("clip_risk_last100", "parameters", "train_ce_last100",
                "train_first_token_ce_last100", "steps_per_s");
        assertThat(s.get("train_ce_last100")).isLessThan(first - 0.1);
        assertThat(s.get("eval_bayes_ce")).isLessThan(s.get("eval_bayes_ce_no_cond"));
        for (String k : List.of("eval_bayes_ce", "eval_bayes_ce_no_cond", "eval_bayes_first_token_ce",
                "eval_bayes_first_token_ce_no_cond")) {
            assertThat(s.get(k + "_se")).as(k).isStrictlyBetween(0.0, s.get(k) / 3);
        }
        // the frozen image embedding is used: below the image-free Bayes value, above Bayes (up to sampling noise)
        assertThat(s.get("eval_ce")).isGreaterThan(s.get("eval_bayes_ce") - 0.05)
                .isLessThan(s.get("eval_bayes_ce_no_cond"));
        assertThat(s.get("eval_first_token_ce")).isLessThan(s.get("eval_bayes_first_token_ce_no_cond") - 0.1);
        String captions = Files.readString(dir.resolve("captions.txt"));
        assertThat(captions).contains("image 3", "greedy", "sampled");
        assertThat(s.get("caption_root_agreement_sampled")).isBetween(0.0, 1.0);
    }

    @Test
    void nStepsResumedTo2nRepeatThe2nStepRunAndAFinishedRunOnlyEvaluates()
            throws Exception {
        ResumeRuns.Run straight = ResumeRuns.assertResumeRepeatsTheUninterruptedRun(
                steps -> new VlmTask(new VlmSettings(new GenerativeSettings(Conditioning.FROZEN, steps, 16, 16, 1, 1,
                        5, 100, "", 20, 8, "image", "text"), 2, 20, 1.0)), 10, 5, 16, dir);
        assertThat(straight.rows().get(0)).containsKeys("loss", "loss_mean", "next_token_ce", "first_token_ce");
        assertThat(straight.summary()).containsKeys("clip_risk_last100", "train_ce_last100",
                "train_first_token_ce_last100", "eval_ce", "caption_root_agreement_sampled");
    }
}
