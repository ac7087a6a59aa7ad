package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.task.Figures;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.optim.StepInfo;
import io.suffice.data.jghm.JghmDataset;
import io.suffice.data.jghm.JghmSpec;
import io.suffice.data.jghm.Pairing;
import io.suffice.data.jghm.TransitionMatrixGenerator;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.encoders.transformer.TransformerEncoder;
import io.suffice.optimizers.AdamWProvider;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.train.TrainingCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Short contrastive training runs on a small JGHM (S=4, L=2, m=3: 9 leaves) with the real engine. */
class ClipTaskTest {
    @TempDir
    Path dir;

    static Dataset smallJghm() {
        var model = TransitionMatrixGenerator.generate(new JghmSpec(4, 2, 3, 2, 3, 0.1, 0.1, 1.0, 3));
        return new JghmDataset(model, model, Pairing.PAIRED, 1);
    }

    static Optimizer adamw(double lr, long steps) {
        return adamw(lr, steps, "cosine");
    }

    static Optimizer adamw(double lr, long steps, String schedule) {
        Map<String, Object> v = new HashMap<>();
        v.put("stepsize", lr);
        v.put("beta1", 0.9);
        v.put("beta2", 0.999);
        v.put("epsilon", 1e-8);
        v.put("weight-decay", 1e-3);
        v.put("schedule", schedule);
        v.put("warmup-steps", 0L);
        v.put("final-factor", 1e-3);
        v.put("clip-norm", 1.0);
        AdamWProvider p = new AdamWProvider();
        for (var spec : p.parameters()) {
            v.putIfAbsent(spec.name(), spec.defaultValue());
        }
        return p.create(new PluginConfig(PluginKind.OPTIMIZER, "adamw", v));
    }

    /** Candidates per group of the k-candidate runs. */
    static final int K = 4;
    /**
     * Spread of the untrained model's first loss. An untrained tower pair scores a positive pair like a negative one
     * (exchangeable scores), so the softmax weight of the positive candidate averages 1/K and, by Jensen's
     * inequality, each direction's expected loss is at least ln K: the initial K-candidate risk is 2 ln K or above
     * (to second order 2 ln K + (K-1)/K E[s^2]). Measured for the transformer of
     * {@link #kCandidateTrainingLowersTheRiskTowardsBayesAndEvaluates} over 200 initialisation seeds on a 32-group
     * batch: mean 2.82 (2 ln 4 = 2.77, E[s^2] = 0.12), standard deviation 0.116, minimum 2.49; the bound allows 4
     * standard deviations below 2 ln K.
     */
    static final double INITIAL_LOSS_SPREAD = 0.12;

    static ClipSettings settings(String objective, long steps) {
        return new ClipSettings(objective, steps, 32, K, 10, "image", "text", "root", 300, 2000, 200,
                List.of(1L, 4L, 16L), 500, 300);
    }

    /**
     * A run context with the real engine and in-memory metrics; its training core ({@link TrainingCore#standalone})
     * checkpoints into {@link #folder} every {@link #checkpointEvery} steps and at the end, and resumes from
     * {@link #resume} when it is set.
     */
    class Ctx implements RunContext {
        final Dataset data;
        final Encoder encoder;
        final double lr;
        final long steps;
        final List<Map<String, Double>> rows = new ArrayList<>();
        final Map<String, Map<String, double[][]>> figures = new LinkedHashMap<>();
        final OrtExecutor executor = new OrtExecutor(ExecutionConfig.defaults());
        Path folder = dir;
        long checkpointEvery;
        Path resume;
        private Trainer trainer;

        Ctx(Dataset data, Encoder encoder, double lr, long steps) {
            this.data = data;
            this.encoder = encoder;
            this.lr = lr;
            this.steps = steps;
        }

        @Override
        public Path directory() {
            return folder;
        }

        @Override
        public long seed() {
            return 7;
        }

        @Override
        public Dataset dataset() {
            return data;
        }

        @Override
        public Optimizer optimizer() {
            return adamw(lr, steps);
        }

        @Override
        public Encoder encoder() {
            return encoder;
        }

        @Override
        public MetricsSink metrics() {
            return (step, values) -> rows.add(values);
        }

        @Override
        public Figures figures() {
            return (name, title, x, y, series) -> figures.put(name, series);
        }

        @Override
        public Progress progress(String label, long total) {
            return new Progress() {
                @Override
                public void update(long done, String message) {
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public Executor executor() {
            return executor;
        }

        @Override
        public Trainer trainer() {
            if (trainer == null) {
                trainer = TrainingCore.standalone(folder, executor, metrics(), checkpointEvery, resume, List.of(),
                        "clip", "clip test");
            }
            return trainer;
        }
    }

    @Test
    void kCandidateTrainingLowersTheRiskTowardsBayesAndEvaluates() throws Exception {
        Encoder enc = new TransformerEncoder("encoder", 4, 16, 1, 1, 4, "linear");
        Ctx ctx = new Ctx(smallJghm(), enc, 3e-3, 300);
        TaskResult r;
        try (ctx.executor) {
            r = new ClipTask(settings(ContrastiveObjective.K_CANDIDATE, 300)).run(ctx);
        }
        Map<String, Double> s = r.summary();
        // rows at t = 0, 10, .., 300: the first is the untrained model
        assertThat(ctx.rows).hasSize(31);
        double first = ctx.rows.get(0).get("loss");
        double last = ctx.rows.get(ctx.rows.size() - 1).get("loss_mean");
        assertThat(first).isGreaterThan(2 * Math.log(K) - 4 * INITIAL_LOSS_SPREAD);
        assertThat(last).isLessThan(first - 0.3);
        assertThat(s.get("bayes_clip_risk")).isBetween(0.0, 2 * Math.log(4));
        // a finite sample can put the model a little under the Bayes estimate, never far
        assertThat(s.get("eval_clip_risk")).isGreaterThan(s.get("eval_bayes_clip_risk") - 0.1)
                .isLessThan(s.get("eval_bayes_clip_risk") + 0.4);
        assertThat(s).containsKeys("zsc_ce_m1", "zsc_ce_m16", "zsc_fit_b", "eval_bayes_zsc_ce", "probe_root_ce",
                "bp_root_ce", "sufficiency_gap", "train_risk_last100", "steps_per_s");
        // every Bayes value carries its Monte Carlo standard error, above 0 and well below the value (the BP root
        // cross-entropy of this easy tree is near 0 and skewed, its error only positive and finite)
        for (String k : List.of("bayes_clip_risk", "bayes_zsc_ce", "zsc_ce_no_cond", "eval_bayes_clip_risk",
                "eval_bayes_zsc_ce")) {
            assertThat(s.get(k + "_se")).as(k).isStrictlyBetween(0.0, s.get(k) / 3);
        }
        assertThat(s.get("bp_root_ce_se")).isStrictlyBetween(0.0, Double.POSITIVE_INFINITY);
        // the excess over Bayes, paired per image: images hard for Bayes are hard for the model, so its error is
        // below what the two sides' errors would give unpaired
        assertThat(s.get("zsc_excess_se")).isStrictlyBetween(0.0, s.get("eval_bayes_zsc_ce_se") * Math.sqrt(2));
        assertThat(s.get("clip_risk_no_cond_se")).isZero();
        assertThat(s.get("zsc_ce_m16")).isLessThan(s.get("zsc_ce_m1"));
        assertThat(s.get("sufficiency_gap")).isGreaterThan(-0.1);
        assertThat(Files.readString(dir.resolve("zero_shot.csv")))
                .startsWith("prompts,repeats,ce,accuracy,bayes_ce,bayes_ce_se,bayes_accuracy,bayes_accuracy_se\n");
        Map<String, double[][]> zsc = ctx.figures.get("zero-shot-ce");
        assertThat(zsc).containsKeys("model", "Bayes (BP)");
        assertThat(zsc.get("model")[0]).containsExactly(1, 4, 16);
        assertThat(zsc.get("model")[1][2]).isEqualTo(s.get("zsc_ce_m16"));
    }

    @Test
    void infoNceTrainingLowersTheLoss() throws Exception {
        Encoder enc = new TransformerEncoder("encoder", 4, 8, 1, 2, 4, "mean");
        Ctx ctx = new Ctx(smallJghm(), enc, 3e-3, 60);
        ClipSettings st = new ClipSettings(ContrastiveObjective.INFONCE, 60, 64, 4, 10, "image", "text", "root",
                100, 500, 0, List.of(1L), 0, 1);
        try (ctx.executor) {
            new ClipTask(st).run(ctx);
        }
        double first = ctx.rows.get(0).get("loss_mean");
        double last = ctx.rows.get(ctx.rows.size() - 1).get("loss_mean");
        assertThat(last).isLessThan(first - 0.1);
    }

    @Test
    void aDivergingRunNamesTheStepAndTheLastFiniteLoss() {
        Encoder enc = new TransformerEncoder("encoder", 4, 8, 1, 1, 4, "linear");
        Ctx ctx = new Ctx(smallJghm(), enc, 1e30, 50) {
            @Override
            public Optimizer optimizer() {
                // an update that blows the parameters up after the first step
                return (params, grads, info) -> params.forEach(p -> {
                    for (int i = 0; i < p.floats().limit(); i++) {
                        p.floats().put(i, info.step() == 0 ? Float.NaN : p.floats().get(i));
                    }
                });
            }
        };
        try (ctx.executor) {
            assertThatThrownBy(() -> new ClipTask(settings(ContrastiveObjective.K_CANDIDATE, 50)).run(ctx))
                    .isInstanceOf(TrainingDivergedException.class)
                    .hasMessageContaining("step 1")
                    .hasMessageContaining("last finite values: {loss=");
        }
    }

    /** The settings of the resume tests: 16 groups of K, a row every 10 steps, a quick evaluation. */
    static ClipSettings small(long steps) {
        return new ClipSettings(ContrastiveObjective.K_CANDIDATE, steps, 16, K, 10, "image", "text", "root", 50, 100,
                20, List.of(1L, 2L), 50, 20);
    }

    /** A context of its own folder, AdamW with a {@code schedule} over {@code total} steps. */
    Ctx resumable(String name, String schedule, long total) throws java.io.IOException {
        Encoder enc = new TransformerEncoder("encoder", 4, 8, 1, 1, 4, "linear");
        Ctx c = new Ctx(smallJghm(), enc, 3e-3, total) {
            @Override
            public Optimizer optimizer() {
                return adamw(3e-3, total, schedule);
            }
        };
        c.folder = Files.createDirectories(dir.resolve(name));
        return c;
    }

    static Map<String, Double> run(Ctx c, long steps) throws Exception {
        try (c.executor) {
            return new ClipTask(small(steps)).run(c).summary();
        }
    }

    /** The rows without their speed (the only column that depends on the machine), by step 0, 10, ... */
    static List<Map<String, Double>> losses(List<Map<String, Double>> rows) {
        return rows.stream().map(r -> {
            Map<String, Double> m = new LinkedHashMap<>(r);
            m.remove("steps_per_s");
            return m;
        }).toList();
    }

    @Test
    void nStepsThenAResumeToTwoNEqualTwoNStraight() throws Exception {
        long n = 20;
        // constant schedule: the N-step run follows the first N steps of the 2N-step one
        Ctx straight = resumable("straight", "constant", 2 * n);
        Map<String, Double> s = run(straight, 2 * n);
        Ctx first = resumable("first", "constant", n);
        first.checkpointEvery = 10;
        run(first, n);
        assertThat(first.folder.resolve("checkpoint.safetensors")).isNotEmptyFile();
        Ctx resumed = resumable("resumed", "constant", 2 * n);
        resumed.resume = first.folder;
        Map<String, Double> r = run(resumed, 2 * n);

        assertThat(losses(first.rows)).isEqualTo(losses(straight.rows).subList(0, 3));
        // the resumed run measures t = N .. 2N: its rows are the straight run's from step N on, bit for bit
        assertThat(losses(resumed.rows)).hasSize(3).isEqualTo(losses(straight.rows).subList(2, 5));
        assertThat(r.get("train_risk_last100")).isEqualTo(s.get("train_risk_last100"));
        assertThat(r.get("eval_clip_risk")).isEqualTo(s.get("eval_clip_risk"));
        assertThat(r.get("zsc_ce_m2")).isEqualTo(s.get("zsc_ce_m2"));
        assertThat(r).containsKey("steps_per_s");

        // a checkpoint at the last step only evaluates: no update, no rate, the same evaluation
        Ctx evalOnly = resumable("eval-only", "constant", 2 * n);
        evalOnly.resume = resumed.folder;
        Map<String, Double> e = run(evalOnly, 2 * n);
        assertThat(e).doesNotContainKey("steps_per_s");
        assertThat(e.get("train_risk_last100")).isEqualTo(s.get("train_risk_last100"));
        assertThat(e.get("eval_clip_risk")).isEqualTo(s.get("eval_clip_risk"));
        assertThat(e.get("probe_root_ce")).isEqualTo(s.get("probe_root_ce"));
        assertThat(losses(evalOnly.rows)).allSatisfy(row -> assertThat(row.get("loss"))
                .isEqualTo(straight.rows.get(4).get("loss")));
    }

    @Test
    void aGuidedCosineRunResumedFromItsMidRunCheckpointRepeatsTheUninterruptedOne() throws Exception {
        long n = 20;
        Path mid = dir.resolve("mid.safetensors");
        Ctx straight = new Ctx(smallJghm(), new TransformerEncoder("encoder", 4, 8, 2, 1, 4, "linear"), 3e-3, 2 * n) {
            @Override
            public Optimizer optimizer() {
                Optimizer o = adamw(3e-3, 2 * n, "cosine");
                // the checkpoint of step N is on disk when update N is applied: keep a copy
                return new Optimizer() {
                    @Override
                    public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
                        if (info.step() == n) {
                            try {
                                Files.copy(folder.resolve("checkpoint.safetensors"), mid);
                            } catch (java.io.IOException ex) {
                                throw new java.io.UncheckedIOException(ex);
                            }
                        }
                        o.step(params, grads, info);
                    }

                    @Override
                    public Map<String, HostTensor> state() {
                        return o.state();
                    }

                    @Override
                    public void restore(Map<String, HostTensor> state) {
                        o.restore(state);
                    }
                };
            }
        };
        straight.folder = Files.createDirectories(dir.resolve("straight"));
        straight.checkpointEvery = n;
        ClipSettings guided = new ClipSettings(ContrastiveObjective.K_CANDIDATE, 2 * n, 16, K, 10, "image", "text",
                "root", 50, 100, 0, List.of(1L), 0, 1, 0.05);
        Map<String, Double> s;
        try (straight.executor) {
            s = new ClipTask(guided).run(straight).summary();
        }
        Ctx resumed = new Ctx(smallJghm(), new TransformerEncoder("encoder", 4, 8, 2, 1, 4, "linear"), 3e-3,
                2 * n);
        resumed.folder = Files.createDirectories(dir.resolve("resumed"));
        resumed.resume = mid;
        Map<String, Double> r;
        try (resumed.executor) {
            r = new ClipTask(guided).run(resumed).summary();
        }
        assertThat(losses(straight.rows).get(2)).containsKeys("loss", "loss_mean", "guide_penalty");
        assertThat(losses(resumed.rows)).isEqualTo(losses(straight.rows).subList(2, 5));
        assertThat(r.get("train_risk_last100")).isEqualTo(s.get("train_risk_last100"));
        assertThat(r.get("eval_clip_risk")).isEqualTo(s.get("eval_clip_risk"));
    }

    @Test
    void theTrainedTowersAreExportedAsOnnxFiles() throws Exception {
        Ctx c = resumable("export", "cosine", 5);
        Map<String, Double> s;
        try (c.executor) {
            c.trainer = TrainingCore.standalone(c.folder, c.executor, c.metrics(), 0, null, List.of("onnx"), "clip",
                    "clip test");
            s = new ClipTask(small(5)).run(c).summary();
        }
        assertThat(s).containsKey("eval_clip_risk");
        assertThat(c.folder.resolve("image-encoder.onnx")).isNotEmptyFile();
        assertThat(c.folder.resolve("text-encoder.onnx")).isNotEmptyFile();
    }
}
