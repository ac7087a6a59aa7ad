package io.suffice.downstream.denoise;

import io.suffice.api.task.TaskResult;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.EngineRunContext;
import io.suffice.encoders.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Short denoising runs on a small JGHM (S=4, 9 leaves) with the real engine. */
class DenoiseTaskTest {
    @TempDir
    Path dir;

    static DenoiseSettings settings(Conditioning c, long steps) {
        return new DenoiseSettings(c, steps, 64, 16, 1, 1, 25, 1000, "", 200, 32, "image", "text", "image_noisy");
    }

    @Test
    void frozenTextConditioningBeatsTheNoTextBayesDenoiser() throws Exception {
        TaskResult r;
        EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir);
        try (ctx) {
            r = new DenoiseTask(settings(Conditioning.FROZEN, 400)).run(ctx);
        }
        Map<String, Double> s = r.summary();
        System.out.println("denoise frozen: " + s);
        double first = ctx.rows().get(0).get("loss_mean");
        assertThat(s.get("train_mse_last100")).isLessThan(first);
        assertThat(s.get("eval_bayes_mse")).isLessThan(s.get("eval_bayes_mse_no_cond"));
        assertThat(s.get("eval_mse")).isGreaterThan(s.get("eval_bayes_mse") - 0.05)
                .isLessThan(s.get("eval_bayes_mse_no_cond"));
    }

    @Test
    void jointAndUnconditionedModesTrain() throws Exception {
        for (Conditioning c : new Conditioning[]{Conditioning.JOINT, Conditioning.NONE}) {
            TaskResult r;
            EngineRunContext ctx = new EngineRunContext(EngineRunContext.smallJghm(),
                    new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir);
            try (ctx) {
                r = new DenoiseTask(settings(c, 200)).run(ctx);
            }
            Map<String, Double> s = r.summary();
            System.out.println("denoise " + c.label() + ": " + s);
            assertThat(s.get("train_mse_last100")).isLessThan(ctx.rows().get(0).get("loss_mean"));
            // no conditioning: the model cannot beat the no-text Bayes denoiser (up to sampling noise)
            assertThat(s.get("eval_mse")).isGreaterThan(s.get("eval_bayes_mse") - 0.05);
            if (c == Conditioning.NONE) {
                assertThat(s.get("eval_mse")).isGreaterThan(s.get("eval_bayes_mse_no_cond") - 0.1);
            }
        }
    }
}
