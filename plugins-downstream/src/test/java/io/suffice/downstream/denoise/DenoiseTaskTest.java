package io.suffice.downstream.denoise;

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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Short denoising runs on a small JGHM (S=4, 9 leaves) with the real engine and the training core. */
class DenoiseTaskTest {
    @TempDir
    Path dir;

    static DenoiseSettings settings(Conditioning c, long steps) {
        return new DenoiseSettings(new GenerativeSettings(c, steps, 64, 16, 1, 1, 25, 1000, "", 200, 32, "image",
                "text"), "image_noisy");
    }

    private EngineRunContext context() {
        return new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir);
    }

    @Test
    void frozenTextConditioningBeatsTheNoTextBayesDenoiser() throws Exception {
        TaskResult r;
        EngineRunContext ctx = context();
        try (ctx) {
            r = new DenoiseTask(settings(Conditioning.FROZEN, 400)).run(ctx);
        }
        Map<String, Double> s = r.summary();
        System.out.println("denoise frozen: " + s);
        double first = ctx.rows().get(0).get("loss");
        assertThat(s).containsKeys("clip_risk_last100", "parameters", "train_mse_last100", "steps_per_s",
                "eval_mse", "eval_bayes_mse", "eval_bayes_mse_no_cond", "eval_excess_mse",
                "eval_conditioning_gain", "eval_samples");
        assertThat(s.get("train_mse_last100")).isLessThan(first);
        assertThat(s.get("eval_bayes_mse")).isLessThan(s.get("eval_bayes_mse_no_cond"));
        assertThat(s.get("eval_bayes_mse_se")).isStrictlyBetween(0.0, s.get("eval_bayes_mse") / 3);
        assertThat(s.get("eval_bayes_mse_no_cond_se")).isStrictlyBetween(0.0, s.get("eval_bayes_mse_no_cond") / 3);
        assertThat(s.get("eval_mse")).isGreaterThan(s.get("eval_bayes_mse") - 0.05)
                .isLessThan(s.get("eval_bayes_mse_no_cond"));
    }

    @Test
    void jointAndUnconditionedModesTrain() throws Exception {
        for (Conditioning c : new Conditioning[]{Conditioning.JOINT, Conditioning.NONE}) {
            TaskResult r;
            EngineRunContext ctx = context();
            try (ctx) {
                r = new DenoiseTask(settings(c, 200)).run(ctx);
            }
            Map<String, Double> s = r.summary();
            System.out.println("denoise " + c.label() + ": " + s);
            assertThat(s).doesNotContainKey("clip_risk_last100");
            assertThat(s.get("train_mse_last100")).isLessThan(ctx.rows().get(0).get("loss"));
            // no conditioning: the model cannot beat the no-text Bayes denoiser (up to sampling noise)
            assertThat(s.get("eval_mse")).isGreaterThan(s.get("eval_bayes_mse") - 0.05);
            if (c == Conditioning.NONE) {
                assertThat(s.get("eval_mse")).isGreaterThan(s.get("eval_bayes_mse_no_cond") - 0.1);
            }
        }
    }

    private static DenoiseTask tiny(Conditioning c, int width, long steps, String clipRun) {
        return new DenoiseTask(new DenoiseSettings(new GenerativeSettings(c, steps, 16, width, 1, 1, 5, 100, clipRun,
                20, 8, "image", "text"), "image_noisy"));
    }

    @Test
    void nStepsResumedTo2nRepeatThe2nStepRunAndAFinishedRunOnlyEvaluates()
            throws Exception {
        ResumeRuns.Run straight = ResumeRuns.assertResumeRepeatsTheUninterruptedRun(
                steps -> tiny(Conditioning.FROZEN, 16, steps, ""), 10, 5, 16, dir);
        assertThat(straight.summary()).containsKeys("clip_risk_last100", "train_mse_last100", "eval_mse");
    }

    @Test
    void aCheckpointOfAnotherArchitectureOrTaskFailsNamingTheFileAndTheFirstMismatch() throws Exception {
        Path train = Files.createDirectories(dir.resolve("train"));
        try (EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, train)) {
            tiny(Conditioning.FROZEN, 16, 5, "").run(ctx);
        }
        Path wide = Files.createDirectories(dir.resolve("wide"));
        assertThatThrownBy(() -> {
            try (EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                    new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, wide).resume(train)) {
                tiny(Conditioning.FROZEN, 32, 5, "").run(ctx);
            }
        }).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("denoiser.in.weight")
                .hasMessageContaining("[4, 32]").hasMessageContaining("[4, 16]");
        // a denoise run's own checkpoint is not a clip run's towers
        Path other = Files.createDirectories(dir.resolve("other"));
        assertThatThrownBy(() -> {
            try (EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                    new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, other)) {
                tiny(Conditioning.FROZEN, 16, 5, train.toString()).run(ctx);
            }
        }).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(train + " holds no clip towers: no image.* parameter among ")
                .hasMessageEndingWith("give a clip run's checkpoint (a generative task's own checkpoint is resumed "
                        + "with run.resume)");
    }
}
