package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingPlan;
import io.suffice.encoders.transformer.TransformerEncoder;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** What {@link ClipModel} hands the training core: the plan's parts, its data stream and its exports. */
class ClipModelTest {
    static final TransformerEncoder ENCODER = new TransformerEncoder("encoder", 4, 8, 1, 1, 4, "linear");
    static final Optimizer UNUSED = (p, g, i) -> {
        throw new AssertionError("not trained here");
    };

    static ClipModel model(String objective, OrtExecutor ex) {
        return new ClipModel(ENCODER, 7, objective, DType.INT64, 9, 9, 8, 4, ex);
    }

    @Test
    void theStandardPlanOptimisesTheContrastiveLossOfEveryParameterAndExportsBothTowers() {
        Dataset data = ClipTaskTest.smallJghm();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             ClipModel model = model(ContrastiveObjective.K_CANDIDATE, ex)) {
            TrainingPlan plan = model.plan("clip", UNUSED, model.batches(data, 7, 0, 32, "image", "text"), 10)
                    .build();
            assertThat(plan.objective()).isSameAs(plan.loss()).isSameAs(model.loss());
            assertThat(plan.lossName()).isEqualTo("loss");
            assertThat(plan.metrics()).isEmpty();
            assertThat(plan.frozen()).isEmpty();
            assertThat(plan.store()).isSameAs(model.store());
            assertThat(plan.inputs()).extracting(Value::name).containsExactly("image", "text");
            assertThat(plan.exports()).containsOnlyKeys(ClipModel.IMAGE_ENCODER, ClipModel.TEXT_ENCODER);
            assertThat(model.store().names()).allMatch(n -> n.startsWith("image.") || n.startsWith("text."));

            // each export is its tower's embedding function: the same numbers as the evaluation's embedder
            Map<String, HostTensor> b = plan.batches().batch(3);
            for (String tower : List.of(ClipModel.IMAGE, ClipModel.TEXT)) {
                TrainingPlan.Export e = plan.exports().get(tower + "-encoder");
                assertThat(e.inputs()).extracting(Value::name).containsExactly(tower);
                assertThat(e.outputs()).containsOnlyKeys(ClipModel.EMBEDDING);
                List<Value> in = new ArrayList<>(plan.graph().parameters());
                in.addAll(e.inputs());
                Map<String, HostTensor> feeds = new java.util.HashMap<>(model.store().asMap());
                feeds.put(tower, b.get(tower));
                double[] exported;
                try (Executable fn = ex.compile(plan.graph(), in, e.outputs())) {
                    exported = fn.run(feeds).get(ClipModel.EMBEDDING).toDoubleArray();
                }
                double[][] embedded = tower.equals(ClipModel.IMAGE) ? model.embedImages(b.get(tower))
                        : model.embedTexts(b.get(tower));
                assertThat(exported).hasSize(32 * model.embedding());
                for (int i = 0; i < 32; i++) {
                    for (int j = 0; j < model.embedding(); j++) {
                        assertThat(exported[i * model.embedding() + j]).isCloseTo(embedded[i][j], within(1e-6));
                    }
                }
            }
            // the gradient of every parameter, and the loss of the plan's own batch equals the one of its groups
            try (PlanStep step = new PlanStep(plan, ex)) {
                assertThat(step.trainable()).containsExactlyElementsOf(model.store().names());
                PlanStep.Result r = step.run(3);
                double[][] fi = model.embedImages(b.get("image"));
                double[][] ft = model.embedTexts(b.get("text"));
                assertThat(r.loss()).isCloseTo(ContrastiveObjectiveTest.kCandidateReference(fi, ft, 4),
                        within(1e-5));
            }
        }
    }

    @Test
    void theDataStreamOfStepTDependsOnlyOnTheSeedAndTAndIsTheOneEarlierRunsSaw() {
        Dataset data = ClipTaskTest.smallJghm();
        long seed = 7;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             ClipModel model = model(ContrastiveObjective.K_CANDIDATE, ex)) {
            var batches = model.batches(data, seed, ClipTask.TRAINING_STREAM, 32, "image", "text");
            Map<String, HostTensor> late = copy(batches.batch(5));
            Map<String, HostTensor> early = copy(batches.batch(0));
            assertThat(copy(batches.batch(5)).get("image").toDoubleArray())
                    .containsExactly(late.get("image").toDoubleArray());
            for (long t : new long[]{0, 5}) {
                // the generator of ClipTask before the training core (so earlier results stay reproducible)
                var old = data.sample(32, new SplittableRandom(seed * 0x9E3779B97F4A7C15L + t * 0xBF58476D1CE4E5B9L
                        + 0x632BE59BD9B4E019L));
                Map<String, HostTensor> now = t == 0 ? early : late;
                assertThat(now.get("image").toDoubleArray()).containsExactly(old.get("image").toDoubleArray());
                assertThat(now.get("text").toDoubleArray()).containsExactly(old.get("text").toDoubleArray());
            }
            assertThat(early.get("image").toDoubleArray()).isNotEqualTo(late.get("image").toDoubleArray());
        }
    }

    @Test
    void infoNceTrainsItsLogitScaleToo() {
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             ClipModel model = model(ContrastiveObjective.INFONCE, ex)) {
            TrainingPlan plan = model.plan("clip", UNUSED,
                    model.batches(ClipTaskTest.smallJghm(), 1, 0, 8, "image", "text"), 1).build();
            assertThat(model.store().names()).contains(ContrastiveObjective.LOGIT_SCALE);
            try (PlanStep step = new PlanStep(plan, ex)) {
                PlanStep.Result r = step.run(0);
                assertThat(r.gradients()).containsKey(ContrastiveObjective.LOGIT_SCALE);
                assertThat(r.gradients().get(ContrastiveObjective.LOGIT_SCALE).toDoubleArray()[0]).isNotZero();
                assertThat(r.loss()).isPositive();
            }
        }
    }

    private static Map<String, HostTensor> copy(Map<String, HostTensor> m) {
        Map<String, HostTensor> c = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> c.put(k, v.copy()));
        return c;
    }
}
