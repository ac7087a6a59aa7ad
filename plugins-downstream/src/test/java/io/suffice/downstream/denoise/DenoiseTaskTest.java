package io.suffice.downstream.denoise;

import io.suffice.api.task.TaskResult;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.EngineRunContext;
import io.suffice.encoders.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

    /** A tiny frozen-conditioning run: 30 steps after a 30-step CLIP pre-training, checkpoint in {@code folder}. */
    private static DenoiseSettings tiny(Conditioning c, int width, long steps, String resume) {
        return new DenoiseSettings(c, steps, 32, width, 1, 1, 10, 300, "", 30, 16, "image", "text", "image_noisy", 0,
                resume);
    }

    private static EngineRunContext context(Path folder) throws Exception {
        Files.createDirectories(folder);
        return new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, folder);
    }

    private static TaskResult run(DenoiseSettings st, EngineRunContext ctx) throws Exception {
        try (ctx) {
            return new DenoiseTask(st).run(ctx);
        }
    }

    @Test
    void resumingAFinishedCheckpointOnlyEvaluatesAndReproducesTheEvaluation() throws Exception {
        EngineRunContext first = context(dir.resolve("train"));
        Map<String, Double> trained = run(tiny(Conditioning.FROZEN, 16, 30, ""), first).summary();
        Path ckpt = dir.resolve("train").resolve("checkpoint.bin");
        assertThat(ckpt).isNotEmptyFile();
        EngineRunContext again = context(dir.resolve("eval"));
        Map<String, Double> resumed = run(tiny(Conditioning.FROZEN, 16, 30, ckpt.toString()), again).summary();
        assertThat(again.rows()).as("no training step, no metrics row").isEmpty();
        assertThat(dir.resolve("eval").resolve("checkpoint.bin")).doesNotExist();
        for (String k : List.of("eval_mse", "eval_bayes_mse", "eval_bayes_mse_no_cond", "train_mse_last100",
                "clip_risk_last100", "parameters")) {
            assertThat(resumed.get(k)).as(k).isEqualTo(trained.get(k));
        }
        assertThat(resumed).doesNotContainKey("steps_per_s");
        assertThat(trained).containsKey("steps_per_s");
    }

    @Test
    void resumingBeforeTheLastStepTrainsTheRestAndWritesANewCheckpoint() throws Exception {
        run(tiny(Conditioning.NONE, 16, 20, ""), context(dir.resolve("a")));
        String ckpt = dir.resolve("a").resolve("checkpoint.bin").toString();
        EngineRunContext b = context(dir.resolve("b"));
        Map<String, Double> s = run(tiny(Conditioning.NONE, 16, 30, ckpt), b).summary();
        assertThat(b.rows()).hasSize(1);                       // steps 21..30, one row at step 30
        assertThat(s).containsKey("steps_per_s");
        assertThat(io.suffice.downstream.generative.GenerativeCheckpoint.read(dir.resolve("b").resolve(
                "checkpoint.bin")).step()).isEqualTo(30);
    }

    @Test
    void aCheckpointOfAnotherArchitectureFailsNamingTheFileAndTheFirstMismatchingParameter() throws Exception {
        run(tiny(Conditioning.FROZEN, 16, 10, ""), context(dir.resolve("train")));
        String ckpt = dir.resolve("train").resolve("checkpoint.bin").toString();
        assertThatThrownBy(() -> run(tiny(Conditioning.FROZEN, 32, 10, ckpt), context(dir.resolve("wide"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint " + ckpt + " does not match the configured model: parameter "
                        + "'denoiser.in.weight': configured FLOAT32[4, 32], stored FLOAT32[4, 16]");
        assertThatThrownBy(() -> run(tiny(Conditioning.JOINT, 16, 10, ckpt), context(dir.resolve("joint"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("checkpoint " + ckpt + " does not match the configured model: parameter "
                        + "'cond_encoder.");
    }
}
