package io.suffice.downstream.diffusion;

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
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A short diffusion run on a small JGHM (S=4, 9 leaves) with the real engine and the training core. */
class DiffusionTaskTest {
    @TempDir
    Path dir;

    @Test
    void trainsSamplesAndJudgesTheSamplesByBp() throws Exception {
        DiffusionSettings st = new DiffusionSettings(new GenerativeSettings(Conditioning.JOINT, 400, 64, 16, 1, 1,
                25, 500, "", 1, 32, "image", "text"), new NoiseSchedule(10, 0.05, 20), 1.0, 200, "image_noisy");
        TaskResult r;
        EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir);
        try (ctx) {
            r = new DiffusionTask(st).run(ctx);
        }
        Map<String, Double> s = r.summary();
        System.out.println("diffusion joint: " + s);
        assertThat(s.get("train_loss_last100")).isLessThan(ctx.rows().get(0).get("loss"));
        assertThat(s.get("eval_mse_at_data_sigma")).isGreaterThan(s.get("eval_bayes_mse") - 0.05);
        assertThat(s.get("eval_bayes_mse_se")).isStrictlyBetween(0.0, s.get("eval_bayes_mse") / 3);
        // chance is 1/S = 0.25: the samples carry the text's root. Measured (200 samples) with run seeds 7 (this
        // test's), 1, 2, 3: 0.750, 0.720, 0.695, 0.735, mean 0.725, sample sd 0.0235 (the binomial sd of 200
        // samples at 0.7 is 0.032); the bound is the mean - 4 sd, rounded down: 0.63 (it was 0.35)
        assertThat(s.get("generated_root_agreement")).isBetween(0.63, 1.0);
        assertThat(Files.readString(dir.resolve("samples.txt"))).contains("generated image root MAP");
    }

    @Test
    void nStepsResumedTo2nRepeatThe2nStepRunAndAFinishedRunOnlyEvaluates()
            throws Exception {
        ResumeRuns.Run straight = ResumeRuns.assertResumeRepeatsTheUninterruptedRun(
                steps -> new DiffusionTask(new DiffusionSettings(new GenerativeSettings(Conditioning.JOINT, steps, 16,
                        16, 1, 1, 5, 100, "", 1, 8, "image", "text"), new NoiseSchedule(10, 0.05, 5), 1.0, 20,
                        "image_noisy")), 10, 5, 16, dir);
        assertThat(straight.summary()).containsKeys("train_loss_last100", "eval_mse_at_data_sigma",
                "generated_root_agreement").doesNotContainKey("clip_risk_last100");
    }
}
