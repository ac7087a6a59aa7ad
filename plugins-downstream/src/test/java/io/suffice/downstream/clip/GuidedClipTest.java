package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.EncoderTrace;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.TrainingPlan;
import io.suffice.data.jghm.JghmDataset;
import io.suffice.data.jghm.JghmModel;
import io.suffice.data.jghm.JghmSpec;
import io.suffice.data.jghm.Pairing;
import io.suffice.data.jghm.TransitionMatrixGenerator;
import io.suffice.encoders.mlp.MlpEncoder;
import io.suffice.encoders.transformer.TransformerEncoder;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The guided CLIP variant (contrastive-jghm.md sec. 5): the compiled objective against a hand computation from the
 * hidden states, its gradients against central finite differences, the configuration errors, and a short run.
 */
class GuidedClipTest {
    /** Groups and candidates of the tiny step (N = GROUPS * K sequences per tower). */
    static final int GROUPS = 2;
    static final int K = 2;
    static final long SEED = 11;

    @TempDir
    Path dir;

    /** S = 3; text L = 2, m = 2 (4 leaves, D = 2); image L = 1, m = 3 (3 leaves, D = 1, shallower than the towers). */
    static JghmModel tinyJghm() {
        return TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 1, 3, 0.3, 0.3, 1.0, 5));
    }

    /** Depth 2 (one block more than the image tree has levels), width 4 >= S. */
    static TransformerEncoder tinyTransformer() {
        return new TransformerEncoder("encoder", 3, 4, 2, 1, 3, "linear");
    }

    static ClipModel guidedModel(Encoder enc, BayesOracle oracle, double penalty, OrtExecutor ex) {
        return new ClipModel(enc, SEED, ContrastiveObjective.K_CANDIDATE, DType.INT64,
                oracle.leaves(Modality.IMAGE), oracle.leaves(Modality.TEXT), GROUPS, K, penalty, oracle, ex);
    }

    /** The model's plan on its own data stream (seed 3, GROUPS * K rows a step), trained by a never-called rule. */
    static TrainingPlan plan(ClipModel model, Dataset data) {
        return model.plan("test", (p, g, i) -> {
            throw new AssertionError("not trained here");
        }, model.batches(data, 3, 0, GROUPS * K, "image", "text"), 1).build();
    }

    @Test
    void theCompiledObjectiveIsContrastiveLossPlusThePenaltyOnTheHiddenStatesAndItsGradientsMatchFiniteDifferences() {
        JghmModel jghm = tinyJghm();
        Dataset data = new JghmDataset(jghm, jghm, Pairing.PAIRED, 1);
        BayesOracle oracle = data.oracle().orElseThrow();
        int s = oracle.states();
        // the penalty term is then of the order of the loss, so both parts of the gradients are checked
        double penalty = 0.05;
        TransformerEncoder enc = tinyTransformer();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             ClipModel model = guidedModel(enc, oracle, penalty, ex)) {
            TrainingPlan plan = plan(model, data);
            assertThat(plan.lossName()).isEqualTo(TrainingPlan.LOSS);
            assertThat(plan.metrics()).containsOnlyKeys(ClipModel.GUIDE_PENALTY);
            assertThat(plan.inputs()).extracting(Value::name)
                    .containsExactly("image", "text", "guide.image", "guide.text");
            assertThat(plan.frozen()).isEmpty();
            Map<String, HostTensor> b = plan.batches().batch(0);
            for (Modality mod : Modality.values()) {   // the batch source feeds the oracle's beliefs of its tokens
                assertThat(b.get(ClipModel.GUIDE + mod.label()).toDoubleArray())
                        .containsExactly(oracle.levelBeliefs(mod, b.get(mod.label())).toDoubleArray());
            }
            try (PlanStep step = new PlanStep(plan, ex)) {
                PlanStep.Result r = step.run(0);
                double loss = r.loss();
                double term = r.metrics().get(ClipModel.GUIDE_PENALTY);
                assertThat(r.objective()).isCloseTo(loss + term, within(1e-5 * (loss + term)));
                assertThat(step.trainable()).containsExactlyElementsOf(model.store().names());

                // hand computation from a second graph that outputs the embeddings and every block's hidden state
                Map<String, HostTensor> traced = traceBothTowers(enc, model, b, ex);
                double[][] fi = ContrastiveObjectiveTest.rows(traced.get("image.embedding"));
                double[][] ft = ContrastiveObjectiveTest.rows(traced.get("text.embedding"));
                assertThat(loss).isCloseTo(ContrastiveObjectiveTest.kCandidateReference(fi, ft, K),
                        within(1e-5 * Math.max(1, loss)));
                double sum = 0;
                for (Modality mod : Modality.values()) {
                    HostTensor target = oracle.levelBeliefs(mod, b.get(mod.label()));
                    sum += squaredDistance(traced, mod, enc.depth(), target, s);
                }
                double expected = penalty * sum / (GROUPS * K);
                assertThat(term).isPositive().isCloseTo(expected, within(1e-5 * expected));

                // central differences of the objective (loss + penalty term) through the same compiled step
                String[] checked = {"image.tok.weight", "image.block0.mlp.1.bias", "image.block1.q.weight",
                        "text.pos", "text.block1.mlp.1.bias", "text.head.weight"};
                double h = 1e-2;
                double largestPenaltyShare = 0;
                for (String name : checked) {
                    HostTensor p = model.store().get(name);
                    for (int k : new int[]{0, p.size() / 2}) {
                        float orig = p.floats().get(k);
                        p.floats().put(k, (float) (orig + h));
                        PlanStep.Result up = step.run(0);
                        p.floats().put(k, (float) (orig - h));
                        PlanStep.Result down = step.run(0);
                        p.floats().put(k, orig);
                        double fd = (up.objective() - down.objective()) / (2 * h);
                        double analytic = r.gradients().get(name).floats().get(k);
                        assertThat(analytic).as("d objective / d %s[%d]", name, k)
                                .isCloseTo(fd, within(2e-3 * Math.max(1, Math.abs(fd))));
                        double upTerm = up.metrics().get(ClipModel.GUIDE_PENALTY);
                        double downTerm = down.metrics().get(ClipModel.GUIDE_PENALTY);
                        largestPenaltyShare = Math.max(largestPenaltyShare, Math.abs(upTerm - downTerm) / (2 * h));
                    }
                }
                // the check discriminates: gradients of the contrastive loss alone would miss this share
                assertThat(largestPenaltyShare).isGreaterThan(0.1);
            }
        }
    }

    /** Embeddings ({@code <tower>.embedding}) and hidden states ({@code <tower>.h<b>}) of both towers. */
    private static Map<String, HostTensor> traceBothTowers(Encoder enc, ClipModel model, Map<String, HostTensor> b,
                                                           OrtExecutor ex) {
        Graph g = new Graph(SEED);
        Map<String, Value> outs = new LinkedHashMap<>();
        List<Value> inputs = new ArrayList<>();
        Map<String, HostTensor> feeds = new HashMap<>();
        for (Modality mod : Modality.values()) {
            String tower = mod.label();
            HostTensor tokens = b.get(tower);
            Value x = g.input(tower, DType.INT64, Shape.DYNAMIC, tokens.shape().dim(1));
            EncoderTrace tr = enc.withName(tower).trace(g, x);
            outs.put(tower + ".embedding", tr.output());
            for (int i = 0; i < tr.hidden().size(); i++) {
                outs.put(tower + ".h" + (i + 1), tr.hidden().get(i));
            }
            inputs.add(x);
            feeds.put(tower, tokens);
        }
        inputs.addAll(g.parameters());
        for (Value p : g.parameters()) {
            feeds.put(p.name(), model.store().get(p.name()));
        }
        try (Executable e = ex.compile(g, inputs, outs)) {
            return e.run(feeds);
        }
    }

    /** {@code sum_{b, n, t, s < S} (H_b[n, t, s] - target[n, min(b, D) - 1, t, s])^2} of one tower. */
    private static double squaredDistance(Map<String, HostTensor> traced, Modality mod, int blocks,
                                          HostTensor target, int s) {
        long[] td = target.shape().dims();
        int n = (int) td[0];
        int levels = (int) td[1];
        int t = (int) td[2];
        double[] y = target.toDoubleArray();
        double acc = 0;
        for (int blk = 1; blk <= blocks; blk++) {
            HostTensor hidden = traced.get(mod.label() + ".h" + blk);
            int width = (int) hidden.shape().dim(2);
            double[] hv = hidden.toDoubleArray();
            int level = Math.min(blk, levels) - 1;
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < t; j++) {
                    for (int c = 0; c < s; c++) {
                        double d = hv[(i * t + j) * width + c] - y[((i * levels + level) * t + j) * s + c];
                        acc += d * d;
                    }
                }
            }
        }
        return acc;
    }

    @Test
    void zeroPenaltyIsTheStandardModel() {
        JghmModel jghm = tinyJghm();
        Dataset data = new JghmDataset(jghm, jghm, Pairing.PAIRED, 1);
        BayesOracle oracle = data.oracle().orElseThrow();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             ClipModel plain = new ClipModel(tinyTransformer(), SEED, ContrastiveObjective.K_CANDIDATE, DType.INT64,
                     3, 4, GROUPS, K, ex);
             ClipModel zero = guidedModel(tinyTransformer(), oracle, 0, ex)) {
            TrainingPlan p0 = plan(plain, data);
            TrainingPlan pz = plan(zero, data);
            assertThat(pz.metrics()).isEmpty();
            assertThat(pz.inputs()).extracting(Value::name).containsExactly("image", "text");
            assertThat(pz.batches().batch(5).keySet()).containsExactly("image", "text");
            assertThat(pz.objective()).isSameAs(pz.loss());
            try (PlanStep a = new PlanStep(p0, ex); PlanStep z = new PlanStep(pz, ex)) {
                PlanStep.Result ra = a.run(5);
                PlanStep.Result rz = z.run(5);
                assertThat(rz.loss()).isEqualTo(ra.loss());
                assertThat(rz.objective()).isEqualTo(ra.objective());
                assertThat(rz.gradients().keySet()).containsExactlyElementsOf(ra.gradients().keySet());
                ra.gradients().forEach((name, g) -> assertThat(rz.gradients().get(name).toDoubleArray())
                        .containsExactly(g.toDoubleArray()));
            }
        }
    }

    @Test
    void misconfigurationsFailWithOneLineNamingTheCulprit() {
        JghmModel jghm = tinyJghm();
        BayesOracle oracle = new JghmDataset(jghm, jghm, Pairing.PAIRED, 1).oracle().orElseThrow();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1))) {
            assertThatThrownBy(() -> guidedModel(tinyTransformer(), new WithoutLevels(oracle), 1e-3, ex))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guide-penalty").hasMessageContaining("level beliefs")
                    .hasMessageContaining(WithoutLevels.class.getSimpleName());
            assertThatThrownBy(() -> guidedModel(new MlpEncoder("encoder", List.of(8L), 3, 3), oracle, 1e-3, ex))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guide-penalty").hasMessageContaining("hidden states")
                    .hasMessageContaining("mlp(");
            assertThatThrownBy(() -> guidedModel(new TransformerEncoder("encoder", 3, 2, 2, 1, 3, "linear"), oracle,
                    1e-3, ex))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guide-penalty").hasMessageContaining("width >= S = 3")
                    .hasMessageContaining("has width 2");
            assertThatThrownBy(() -> new ClipModel(tinyTransformer(), SEED, ContrastiveObjective.K_CANDIDATE,
                    DType.INT64, 3, 4, GROUPS, K, 1e-3, null, ex))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guide-penalty").hasMessageContaining("oracle");
            assertThatThrownBy(() -> guidedModel(tinyTransformer(), oracle, -1e-3, ex))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("guide-penalty")
                    .hasMessageContaining(">= 0");
        }
        // the task: a dataset without an oracle
        Dataset noOracle = new WithoutOracle(new JghmDataset(jghm, jghm, Pairing.PAIRED, 1));
        ClipTaskTest outer = new ClipTaskTest();
        outer.dir = dir;
        ClipTaskTest.Ctx ctx = outer.new Ctx(noOracle, tinyTransformer(), 1e-3, 10);
        try (ctx.executor) {
            assertThatThrownBy(() -> new ClipTask(guidedSettings(10, 1e-3)).run(ctx))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("guide-penalty = 0.001")
                    .hasMessageContaining("WithoutOracle has none");
        }
        // the declared range rejects a negative penalty when a config is resolved; the settings reject NaN
        ClipTaskProvider provider = new ClipTaskProvider();
        Map<String, Object> v = new HashMap<>();
        provider.parameters().forEach(spec -> v.put(spec.name(), spec.defaultValue()));
        assertThat(v.get("guide-penalty")).isEqualTo(0.0);
        var range = provider.parameters().stream().filter(p -> p.name().equals("guide-penalty")).findFirst()
                .orElseThrow().range();
        assertThat(range.contains(-0.5)).isFalse();
        assertThat(range.describe()).isEqualTo(">= 0");
        v.put("guide-penalty", 1e-3);
        assertThat(((ClipTask) provider.create(new PluginConfig(PluginKind.DOWNSTREAM, "clip", v))).settings()
                .guidePenalty()).isEqualTo(1e-3);
        assertThatThrownBy(() -> guidedSettings(10, Double.NaN)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("guide-penalty");
    }

    static ClipSettings guidedSettings(long steps, double penalty) {
        return new ClipSettings(ContrastiveObjective.K_CANDIDATE, steps, 16, 4, 10, "image", "text", "root", 50, 100,
                0, List.of(1L), 0, 1, penalty);
    }

    @Test
    void aGuidedRunLogsThePenaltyWhichFallsWhileTheReportedRiskStaysContrastive() throws Exception {
        // the paper's 1e-3 hardly moves the hidden states in a few dozen steps; a larger weight shows the mechanism
        double penalty = 0.05;
        long steps = 40;
        Encoder enc = new TransformerEncoder("encoder", 4, 8, 2, 1, 4, "linear");
        ClipTaskTest outer = new ClipTaskTest();
        outer.dir = dir;
        ClipTaskTest.Ctx ctx = outer.new Ctx(ClipTaskTest.smallJghm(), enc, 3e-3, steps);
        ClipSettings every = new ClipSettings(ContrastiveObjective.K_CANDIDATE, steps, 16, 4, 1, "image", "text",
                "root", 50, 100, 0, List.of(1L), 0, 1, penalty);
        Map<String, Double> summary;
        try (ctx.executor) {
            summary = new ClipTask(every).run(ctx).summary();
        }
        // one row per measurement: t = 0 .. steps
        assertThat(ctx.rows).hasSize((int) steps + 1);
        assertThat(ctx.rows).allSatisfy(r -> assertThat(r).containsKeys("loss", "guide_penalty"));
        double first = ctx.rows.subList(0, 10).stream().mapToDouble(r -> r.get("guide_penalty")).average()
                .orElseThrow();
        double last = ctx.rows.subList((int) steps - 9, (int) steps + 1).stream()
                .mapToDouble(r -> r.get("guide_penalty")).average().orElseThrow();
        assertThat(first).isPositive();
        assertThat(last).isLessThan(first);
        // the summary's risk is the mean of the pure contrastive losses of the training steps t < steps (all within
        // the last 100)
        double meanLoss = ctx.rows.subList(0, (int) steps).stream().mapToDouble(r -> r.get("loss")).average()
                .orElseThrow();
        assertThat(summary.get("train_risk_last100")).isCloseTo(meanLoss, within(1e-9));
        assertThat(summary).containsKeys("eval_clip_risk", "bayes_clip_risk");
    }

    /** An oracle that answers everything but {@link BayesOracle#levelBeliefs} (the interface's default). */
    static final class WithoutLevels implements BayesOracle {
        private final BayesOracle o;

        WithoutLevels(BayesOracle o) {
            this.o = o;
        }

        @Override
        public int states() {
            return o.states();
        }

        @Override
        public int leaves(Modality modality) {
            return o.leaves(modality);
        }

        @Override
        public double noiseScale() {
            return o.noiseScale();
        }

        @Override
        public double[][] rootPosterior(Modality modality, HostTensor tokens) {
            return o.rootPosterior(modality, tokens);
        }

        @Override
        public Batch sample(int groups, int candidates, long seed) {
            return o.sample(groups, candidates, seed);
        }

        @Override
        public double[][] logRootLikelihood(Modality modality, HostTensor tokens) {
            return o.logRootLikelihood(modality, tokens);
        }

        @Override
        public double[][] leafGivenRoot(Modality modality, int leaf) {
            return o.leafGivenRoot(modality, leaf);
        }

        @Override
        public double[][] denoiserMean(HostTensor noisyImage, HostTensor text) {
            return o.denoiserMean(noisyImage, text);
        }

        @Override
        public double[][][] nextTokenPosterior(HostTensor text, HostTensor image) {
            return o.nextTokenPosterior(text, image);
        }
    }

    /** A dataset without a Bayes oracle. */
    static final class WithoutOracle implements Dataset {
        private final Dataset d;

        WithoutOracle(Dataset d) {
            this.d = d;
        }

        @Override
        public long size() {
            return d.size();
        }

        @Override
        public Batch sample(int n, RandomGenerator rng) {
            return d.sample(n, rng);
        }

        @Override
        public Batch all() {
            return d.all();
        }
    }
}
