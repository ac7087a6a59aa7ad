package io.suffice.downstream.denoise;

import io.suffice.api.task.TaskResult;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.EngineRunContext;
import io.suffice.downstream.generative.GenerativeSettings;
import io.suffice.encoders.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

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
}
