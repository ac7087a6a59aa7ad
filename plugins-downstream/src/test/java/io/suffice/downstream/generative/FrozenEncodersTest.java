package io.suffice.downstream.generative;

import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executor;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.downstream.clip.ClipSettings;
import io.suffice.downstream.clip.ClipTask;
import io.suffice.downstream.contrastive.ContrastiveObjective;
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

/** {@link FrozenEncoders}' two sources of trained towers: a clip run's checkpoint and the in-task pre-training. */
class FrozenEncodersTest {
    @TempDir
    Path dir;

    static final Encoder ENCODER = new TransformerEncoder("encoder", 4, 8, 1, 1, 4, "linear");

    /** An engine context that records the plans its training core (EngineRunContext's) fits, and its rows. */
    static final class Ctx implements RunContext, AutoCloseable {
        final EngineRunContext engine;
        final List<TrainingPlan> plans = new ArrayList<>();
        Trainer trainer;

        Ctx(Path dir) {
            engine = new EngineRunContext(EngineRunContext.smallJghm(), ENCODER, 3e-3, dir);
            Trainer core = engine.trainer();
            trainer = new Trainer() {
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
                    return Optional.empty();
                }
            };
        }

        @Override
        public Path directory() {
            return engine.directory();
        }

        @Override
        public long seed() {
            return engine.seed();
        }

        @Override
        public Dataset dataset() {
            return engine.dataset();
        }

        @Override
        public Optimizer optimizer() {
            return engine.optimizer();
        }

        @Override
        public Encoder encoder() {
            return engine.encoder();
        }

        @Override
        public MetricsSink metrics() {
            return engine.metrics();
        }

        @Override
        public Progress progress(String label, long total) {
            return engine.progress(label, total);
        }

        @Override
        public Executor executor() {
            return engine.executor();
        }

        @Override
        public Trainer trainer() {
            return trainer;
        }

        @Override
        public void close() {
            engine.close();
        }
    }

    @Test
    void thePreTrainingIsAnAuxiliaryRunOfTheClipPlanOnAStreamOfItsOwn() {
        try (Ctx ctx = new Ctx(dir)) {
            FrozenEncoders.Pretrained pre = FrozenEncoders.train(ctx, 30, 8, "image", "text");
            assertThat(ctx.plans).hasSize(1);
            TrainingPlan plan = ctx.plans.get(0);
            assertThat(plan.auxiliary()).isTrue();
            assertThat(plan.steps()).isEqualTo(30);
            assertThat(plan.lossName()).isEqualTo("clip_loss");
            assertThat(ctx.engine.rows()).as("metrics.csv belongs to the generative task").isEmpty();
            assertThat(dir.resolve("checkpoint.safetensors")).as("so do the checkpoints").doesNotExist();
            assertThat(pre.parameters().keySet()).containsExactlyElementsOf(plan.store().names());
            assertThat(pre.parameters().keySet()).anyMatch(n -> n.startsWith("image."))
                    .anyMatch(n -> n.startsWith("text."));
            // a copy of the trained values, not the live store
            String first = plan.store().names().get(0);
            assertThat(pre.parameters().get(first)).isNotSameAs(plan.store().get(first));
            assertThat(pre.parameters().get(first).toDoubleArray())
                    .containsExactly(plan.store().get(first).toDoubleArray());
            // K = 4 candidate groups, from untrained (about 2 ln 4 = 2.77) downwards
            assertThat(plan.batches().batch(0).get("image").shape().dim(0)).isEqualTo(8 * 4);
            assertThat(pre.clipRiskLast100()).isBetween(0.0, 2 * Math.log(4) + 0.5);
            // its own stream: not the task's training stream (seed, 0, t)
            var task = ctx.dataset().sample(32, io.suffice.api.train.StepRandom.of(ctx.seed(), 0, 0));
            assertThat(plan.batches().batch(0).get("image").toDoubleArray())
                    .isNotEqualTo(task.get("image").toDoubleArray());
        }
    }

    @Test
    void aCheckpointIsReadByTheTrainingCoreAndMustHoldBothTowers() {
        Path run = dir.resolve("clip-run");
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        stored.put("image.w", HostTensor.of(new float[]{1, 2}, 2));
        stored.put("text.w", HostTensor.of(new float[]{3}, 1));
        try (Ctx ctx = new Ctx(dir)) {
            List<Path> asked = new ArrayList<>();
            ctx.trainer = new Trainer() {
                @Override
                public TrainingResult fit(TrainingPlan plan) {
                    throw new AssertionError("nothing is trained");
                }

                @Override
                public Map<String, HostTensor> parameters(Path source) {
                    asked.add(source);
                    return source.equals(run) ? stored : Map.of("denoiser.w", HostTensor.of(new float[]{1}, 1),
                            "text.w", HostTensor.of(new float[]{3}, 1));
                }

                @Override
                public Optional<ResumePoint> resumePoint() {
                    return Optional.empty();
                }
            };
            FrozenEncoders.Pretrained pre = FrozenEncoders.fromCheckpoint(ctx, run);
            assertThat(asked).containsExactly(run);
            assertThat(pre.parameters()).isEqualTo(stored);
            assertThat(pre.clipRiskLast100()).isNaN();
            Path generative = dir.resolve("denoise-run");
            assertThatThrownBy(() -> FrozenEncoders.fromCheckpoint(ctx, generative))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith(generative + " holds no clip towers: no image.* parameter")
                    .hasMessageContaining("denoiser.w");
        }
    }

    @Test
    void theTowersOfAClipRunAreReadFromItsFolder() throws Exception {
        Path run = java.nio.file.Files.createDirectories(dir.resolve("clip"));
        Map<String, HostTensor> trained;
        try (Ctx clip = new Ctx(run)) {
            new ClipTask(new ClipSettings(ContrastiveObjective.K_CANDIDATE, 5, 4, 4, 5, "image", "text", "root", 10,
                    10, 0, List.of(1L), 0, 1)).run(clip);
            trained = clip.plans.get(0).store().asMap();   // the live store holds the trained values
            try (Ctx ctx = new Ctx(java.nio.file.Files.createDirectories(dir.resolve("denoise")))) {
                FrozenEncoders.Pretrained pre = FrozenEncoders.fromCheckpoint(ctx, run);
                assertThat(pre.parameters().keySet()).containsExactlyInAnyOrderElementsOf(trained.keySet());
                trained.forEach((k, v) -> assertThat(pre.parameters().get(k).toDoubleArray()).as(k)
                        .containsExactly(v.toDoubleArray()));
                assertThatThrownBy(() -> FrozenEncoders.fromCheckpoint(ctx, dir.resolve("nothing")))
                        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("nothing");
            }
        }
    }
}
