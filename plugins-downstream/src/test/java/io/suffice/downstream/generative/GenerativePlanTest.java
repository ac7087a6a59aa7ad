package io.suffice.downstream.generative;

import io.suffice.api.graph.Value;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.downstream.caption.VlmSettings;
import io.suffice.downstream.caption.VlmTask;
import io.suffice.downstream.denoise.DenoiseSettings;
import io.suffice.downstream.denoise.DenoiseTask;
import io.suffice.downstream.diffusion.DiffusionSettings;
import io.suffice.downstream.diffusion.DiffusionTask;
import io.suffice.downstream.diffusion.NoiseSchedule;
import io.suffice.encoders.transformer.TransformerEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The plans the {@link GenerativeTask} template hands the training core, seen through a recording trainer that
 * trains nothing: their reported values, batches as a function of the step only, exports, and carried tensors, and
 * that a run resumed from those carried tensors rebuilds the same frozen tower without pre-training or clip
 * checkpoint; and, through the real training core, that each task's ONNX export ({@code run.export: [onnx]})
 * reproduces the trained prediction function.
 */
class GenerativePlanTest {
    @TempDir
    Path dir;

    /** Records the plan; "trains" nothing (as an evaluation-only resume would) and reports window means of 1. */
    private static final class RecordingTrainer implements Trainer {
        final List<TrainingPlan> plans = new ArrayList<>();
        /** Batches of steps 2, 3, 5 (twice) and 6, drawn while the plan is live (its tower open). */
        final List<Map<String, HostTensor>> batches = new ArrayList<>();
        final Optional<ResumePoint> resume;
        final Map<String, HostTensor> stored;

        RecordingTrainer(Optional<ResumePoint> resume, Map<String, HostTensor> stored) {
            this.resume = resume;
            this.stored = stored;
        }

        @Override
        public TrainingResult fit(TrainingPlan plan) {
            plans.add(plan);
            batches.clear();
            for (long t : new long[]{2, 3, 5, 5, 6}) {
                Map<String, HostTensor> b = new LinkedHashMap<>();
                plan.batches().batch(t).forEach((k, v) -> b.put(k, v.copy()));
                batches.add(b);
            }
            Map<String, Double> means = new LinkedHashMap<>();
            means.put(plan.lossName(), 1.0);
            plan.metrics().keySet().forEach(k -> means.put(k, 1.0));
            return new TrainingResult(plan.steps(), plan.steps(), Double.NaN, means, means);
        }

        @Override
        public Map<String, HostTensor> parameters(Path source) {
            if (stored == null) {
                throw new IllegalArgumentException(source + ": no such checkpoint");
            }
            return stored;
        }

        @Override
        public Optional<ResumePoint> resumePoint() {
            return resume;
        }
    }

    private static GenerativeSettings settings(Conditioning c) {
        return new GenerativeSettings(c, 10, 8, 16, 1, 1, 5, 50, "", 20, 8, "image", "text");
    }

    private TrainingPlan plan(DownstreamTask task, RecordingTrainer trainer, Map<String, Double> summary)
            throws Exception {
        try (EngineRunContext engine = new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir)) {
            summary.putAll(task.run(engine.trainer(trainer)).summary());
        }
        // the in-task pre-training (if any) does not go through this trainer yet; the task's own plan is the last
        return trainer.plans.get(trainer.plans.size() - 1);
    }

    private static void assertSameTensors(Map<String, HostTensor> a, Map<String, HostTensor> b) {
        assertThat(a.keySet()).containsExactlyElementsOf(b.keySet());
        a.forEach((k, v) -> {
            assertThat(v.shape()).as(k).isEqualTo(b.get(k).shape());
            assertThat(v.toDoubleArray()).as(k).containsExactly(b.get(k).toDoubleArray());
        });
    }

    private static Map<String, HostTensor> frozen(Map<String, HostTensor> carried) {
        Map<String, HostTensor> m = new LinkedHashMap<>(carried);
        m.keySet().removeIf(k -> !k.startsWith("frozen/"));
        return m;
    }

    @Test
    void theDenoisePlanDrawsBatchesByStepExportsThePredictionAndCarriesTheFrozenTower() throws Exception {
        RecordingTrainer trainer = new RecordingTrainer(Optional.empty(), null);
        Map<String, Double> summary = new LinkedHashMap<>();
        TrainingPlan p = plan(new DenoiseTask(new DenoiseSettings(settings(Conditioning.FROZEN), "image_noisy")),
                trainer, summary);
        assertThat(p.label()).isEqualTo("denoise");
        assertThat(p.lossName()).isEqualTo("loss");
        assertThat(p.metrics()).isEmpty();
        assertThat(p.steps()).isEqualTo(10);
        assertThat(p.logEvery()).isEqualTo(5);
        assertThat(p.frozen()).isEmpty();
        assertThat(p.auxiliary()).isFalse();
        assertThat(p.inputs()).extracting(Value::name)
                .containsExactly("noisy", "target", ConditionToken.EMBEDDING);
        // step t's batch depends on t only
        assertSameTensors(trainer.batches.get(2), trainer.batches.get(3));
        assertThat(trainer.batches.get(2)).containsOnlyKeys("noisy", "target", ConditionToken.EMBEDDING);
        assertThat(trainer.batches.get(2).get("target").toDoubleArray())
                .isNotEqualTo(trainer.batches.get(4).get("target").toDoubleArray());
        assertThat(p.exports()).containsOnlyKeys("denoiser");
        assertThat(p.exports().get("denoiser").inputs()).extracting(Value::name)
                .containsExactly("noisy", ConditionToken.EMBEDDING);
        assertThat(p.exports().get("denoiser").outputs()).containsOnlyKeys("prediction");
        assertThat(p.carried()).containsKey(FrozenEncoders.CLIP_RISK);
        assertThat(p.carried().keySet()).filteredOn(k -> !k.equals(FrozenEncoders.CLIP_RISK))
                .isNotEmpty().allMatch(k -> k.startsWith("frozen/text."));
        assertThat(p.carried().get(FrozenEncoders.CLIP_RISK).toDoubleArray()[0])
                .isEqualTo(summary.get("clip_risk_last100"));
        assertThat(summary).containsEntry("train_mse_last100", 1.0).doesNotContainKey("steps_per_s")
                .containsKeys("parameters", "eval_mse", "eval_bayes_mse");

        // resumed from what it carried: the same tower and CLIP risk, no pre-training, no clip checkpoint
        RecordingTrainer resumed = new RecordingTrainer(Optional.of(new ResumePoint(10, p.carried())), null);
        Map<String, Double> again = new LinkedHashMap<>();
        TrainingPlan q = plan(new DenoiseTask(new DenoiseSettings(settings(Conditioning.FROZEN)
                .withCheckpoint("no/such/clip/run"), "image_noisy")), resumed, again);
        assertThat(resumed.plans).hasSize(1);
        assertSameTensors(q.carried(), p.carried());
        for (int i = 0; i < 5; i++) {
            assertSameTensors(resumed.batches.get(i), trainer.batches.get(i));
        }
        assertThat(again.get("clip_risk_last100")).isEqualTo(summary.get("clip_risk_last100"));
        assertThat(again.get("eval_mse")).isEqualTo(summary.get("eval_mse"));
    }

    @Test
    void aResumedCheckpointWithoutAFrozenTowerIsRefusedForFrozenConditioning() {
        RecordingTrainer resumed = new RecordingTrainer(Optional.of(new ResumePoint(10, Map.of())), null);
        assertThatThrownBy(() -> plan(new DenoiseTask(new DenoiseSettings(settings(Conditioning.FROZEN),
                "image_noisy")), resumed, new LinkedHashMap<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("run.resume").hasMessageContaining("carries no frozen text tower");
    }

    @Test
    void theFrozenTowerComesFromAClipRunsParametersAndAnotherRunsAreRefused() throws Exception {
        // a clip run's parameters: what a first run's tower carried, renamed as the clip run stores them
        RecordingTrainer first = new RecordingTrainer(Optional.empty(), null);
        TrainingPlan p = plan(new VlmTask(new VlmSettings(settings(Conditioning.FROZEN), 0, 0, 1.0)), first,
                new LinkedHashMap<>());
        Map<String, HostTensor> clip = new LinkedHashMap<>();
        p.carried().forEach((k, v) -> {
            if (k.startsWith("frozen/")) {
                clip.put(k.substring("frozen/".length()), v);
            }
        });
        assertThat(clip.keySet()).allMatch(k -> k.startsWith("image."));
        clip.put("text.unused", HostTensor.of(new float[1], 1));   // a clip run holds both towers
        RecordingTrainer fromClip = new RecordingTrainer(Optional.empty(), clip);
        Map<String, Double> summary = new LinkedHashMap<>();
        TrainingPlan q = plan(new VlmTask(new VlmSettings(settings(Conditioning.FROZEN).withCheckpoint("clip-run"),
                0, 0, 1.0)), fromClip, summary);
        assertThat(fromClip.plans).hasSize(1);
        assertThat(summary.get("clip_risk_last100")).isNaN();
        assertThat(q.metrics()).containsOnlyKeys("next_token_ce", "first_token_ce");
        assertThat(q.exports()).containsOnlyKeys("vlm");
        assertThat(q.exports().get("vlm").outputs()).containsOnlyKeys("logits");
        assertThat(summary).containsEntry("train_ce_last100", 1.0).containsEntry("train_first_token_ce_last100", 1.0);
        assertSameTensors(frozen(q.carried()), frozen(p.carried()));
        assertThat(q.carried().get(FrozenEncoders.CLIP_RISK).toDoubleArray()[0]).isNaN();

        RecordingTrainer other = new RecordingTrainer(Optional.empty(),
                Map.of("denoiser.in.weight", HostTensor.of(new float[4], 2, 2)));
        assertThatThrownBy(() -> plan(new VlmTask(new VlmSettings(settings(Conditioning.FROZEN)
                .withCheckpoint("runs/denoise-x"), 0, 0, 1.0)), other, new LinkedHashMap<>()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("runs/denoise-x holds no clip towers: no image.* parameter among 1 (denoiser.in.weight); "
                        + "give a clip run's checkpoint (a generative task's own checkpoint is resumed with "
                        + "run.resume)");
    }

    @Test
    void theDiffusionPlanFeedsANoiseLevelPerExampleAndJointConditioningCarriesNothing() throws Exception {
        RecordingTrainer trainer = new RecordingTrainer(Optional.empty(), null);
        Map<String, Double> summary = new LinkedHashMap<>();
        TrainingPlan p = plan(new DiffusionTask(new DiffusionSettings(settings(Conditioning.JOINT),
                new NoiseSchedule(10, 0.05, 5), 1.0, 4, "image_noisy")), trainer, summary);
        assertThat(p.label()).isEqualTo("diffusion");
        assertThat(p.inputs()).extracting(Value::name)
                .containsExactly("noisy", "target", "sigma", ConditionToken.TOKENS);
        assertThat(trainer.batches.get(0).get("sigma").shape().dims()).containsExactly(8);
        assertSameTensors(trainer.batches.get(2), trainer.batches.get(3));
        assertThat(p.carried()).isEmpty();
        assertThat(p.exports().get("denoiser").inputs()).extracting(Value::name)
                .containsExactly("noisy", "sigma", ConditionToken.TOKENS);
        assertThat(summary).containsEntry("train_loss_last100", 1.0).containsKeys("eval_mse_at_data_sigma",
                "generated_root_agreement").doesNotContainKey("clip_risk_last100");
    }

    /** The core's trainer, remembering the plans it fitted. */
    private record Capturing(Trainer core, List<TrainingPlan> plans) implements Trainer {
        @Override
        public TrainingResult fit(TrainingPlan plan) {
            plans.add(plan);
            return core.fit(plan);
        }

        @Override
        public Map<String, HostTensor> parameters(Path source) {
            return core.parameters(source);
        }

        @Override
        public Optional<ResumePoint> resumePoint() {
            return core.resumePoint();
        }
    }

    /**
     * Trains {@code task} for 5 steps with {@code run.export: [onnx]}, then runs {@code <name>.onnx} with ONNX
     * Runtime on a batch of 3 and compares it with the trained graph's own prediction function.
     */
    private void assertExportReproducesTheTrainedPrediction(DownstreamTask task, String name,
                                                            Map<String, HostTensor> inputs) throws Exception {
        List<TrainingPlan> plans = new ArrayList<>();
        try (EngineRunContext engine = new EngineRunContext(EngineRunContext.smallJghm(),
                new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear"), 3e-3, dir)
                .export(List.of("onnx"))) {
            task.run(engine.trainer(new Capturing(engine.trainer(), plans)));
            TrainingPlan plan = plans.get(plans.size() - 1);
            TrainingPlan.Export export = plan.exports().get(name);
            assertThat(export.inputs()).extracting(Value::name).containsExactlyInAnyOrderElementsOf(inputs.keySet());
            String output = export.outputs().keySet().iterator().next();
            List<Value> in = new ArrayList<>(plan.graph().parameters());
            in.addAll(export.inputs());
            Map<String, HostTensor> feeds = new LinkedHashMap<>(plan.store().asMap());
            feeds.putAll(inputs);
            double[] expected;
            try (var f = engine.executor().compile(plan.graph(), in, export.outputs())) {
                expected = f.run(feeds).get(output).toDoubleArray();
            }
            Path file = dir.resolve(name + ".onnx");
            assertThat(file).isNotEmptyFile();
            ai.onnxruntime.OrtEnvironment env = ai.onnxruntime.OrtEnvironment.getEnvironment();
            Map<String, ai.onnxruntime.OnnxTensor> ort = new LinkedHashMap<>();
            try (ai.onnxruntime.OrtSession session = env.createSession(file.toString(),
                    new ai.onnxruntime.OrtSession.SessionOptions())) {
                for (var e : inputs.entrySet()) {
                    HostTensor t = e.getValue();
                    ort.put(e.getKey(), t.dtype() == io.suffice.api.tensor.DType.INT64
                            ? ai.onnxruntime.OnnxTensor.createTensor(env, t.longs(), t.shape().dims())
                            : ai.onnxruntime.OnnxTensor.createTensor(env, t.floats(), t.shape().dims()));
                }
                assertThat(session.getInputNames()).containsExactlyInAnyOrderElementsOf(inputs.keySet());
                try (ai.onnxruntime.OrtSession.Result r = session.run(ort)) {
                    float[] got = ((ai.onnxruntime.OnnxTensor) r.get(output).orElseThrow()).getFloatBuffer().array();
                    assertThat(got).hasSize(expected.length);
                    for (int i = 0; i < got.length; i++) {
                        assertThat((double) got[i]).as("%s[%d]", output, i).isCloseTo(expected[i],
                                org.assertj.core.data.Offset.offset(1e-5));
                    }
                }
            } finally {
                ort.values().forEach(ai.onnxruntime.OnnxTensor::close);
            }
        }
    }

    private static HostTensor floats(int rows, int cols, double scale) {
        float[] v = new float[rows * cols];
        java.util.SplittableRandom r = new java.util.SplittableRandom(5);
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (scale * r.nextDouble());
        }
        return HostTensor.of(v, rows, cols);
    }

    private static HostTensor tokens(int rows, int cols) {
        long[] v = new long[rows * cols];
        for (int i = 0; i < v.length; i++) {
            v[i] = (i * 7L + 3) % 4;
        }
        return HostTensor.of(v, rows, cols);
    }

    @Test
    void theDenoiserExportReproducesTheTrainedPredictionWithTheFrozenEmbeddingAsInput() throws Exception {
        GenerativeSettings st = new GenerativeSettings(Conditioning.FROZEN, 5, 8, 16, 1, 1, 5, 20, "", 5, 4, "image",
                "text");
        assertExportReproducesTheTrainedPrediction(new DenoiseTask(new DenoiseSettings(st, "image_noisy")),
                "denoiser", Map.of("noisy", floats(3, 9, 3), ConditionToken.EMBEDDING, floats(3, 4, 1)));
    }

    @Test
    void theVlmExportReproducesTheTrainedLogitsWithTheRawImageAsInput() throws Exception {
        GenerativeSettings st = new GenerativeSettings(Conditioning.JOINT, 5, 8, 16, 1, 1, 5, 20, "", 5, 4, "image",
                "text");
        assertExportReproducesTheTrainedPrediction(new VlmTask(new VlmSettings(st, 0, 0, 1.0)), "vlm",
                Map.of("text", tokens(3, 9), ConditionToken.TOKENS, tokens(3, 9)));
    }

    @Test
    void theDiffusionExportTakesTheNoiseLevelAndNoConditioning() throws Exception {
        GenerativeSettings st = new GenerativeSettings(Conditioning.NONE, 5, 8, 16, 1, 1, 5, 20, "", 5, 4, "image",
                "text");
        assertExportReproducesTheTrainedPrediction(new DiffusionTask(new DiffusionSettings(st,
                new NoiseSchedule(10, 0.05, 3), 1.0, 0, "image_noisy")), "denoiser",
                Map.of("noisy", floats(3, 9, 3), "sigma", HostTensor.of(new float[]{0.1f, 1, 5}, 3)));
    }
}
