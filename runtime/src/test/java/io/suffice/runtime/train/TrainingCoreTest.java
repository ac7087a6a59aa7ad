package io.suffice.runtime.train;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.StepRandom;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.train.TrainingListener;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.runtime.engine.Checkpoint;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The training core's contract on a small least-squares model with fresh data every step and a stateful optimizer
 * (heavy-ball momentum): resume repeats the uninterrupted run exactly, divergence and interruption are reported
 * with the step, and every defective checkpoint is one line naming the file.
 */
class TrainingCoreTest {
    private static final int D = 6;
    private static final int N = 16;

    @TempDir
    Path dir;
    private final OrtExecutor executor = new OrtExecutor(ExecutionConfig.defaults());

    @AfterEach
    void close() {
        executor.close();
    }

    /** Heavy-ball momentum, v <- 0.9 v + g, p <- p - eta v: its state must survive a checkpoint. */
    static final class Momentum implements Optimizer {
        private final double eta;
        private final List<HostTensor> v = new ArrayList<>();

        Momentum(double eta) {
            this.eta = eta;
        }

        @Override
        public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
            for (int i = 0; i < params.size(); i++) {
                if (v.size() <= i) {
                    v.add(HostTensor.zeros(params.get(i).dtype(), params.get(i).shape()));
                }
                var vi = v.get(i).floats();
                var p = params.get(i).floats();
                var g = grads.get(i).floats();
                for (int k = 0; k < p.limit(); k++) {
                    vi.put(k, 0.9f * vi.get(k) + g.get(k));
                    p.put(k, p.get(k) - (float) eta * vi.get(k));
                }
            }
        }

        @Override
        public Map<String, HostTensor> state() {
            Map<String, HostTensor> m = new LinkedHashMap<>();
            for (int i = 0; i < v.size(); i++) {
                m.put("v" + i, v.get(i));
            }
            return m;
        }

        @Override
        public void restore(Map<String, HostTensor> state) {
            v.clear();
            for (int i = 0; i < state.size(); i++) {
                v.add(state.get("v" + i).copy());
            }
        }
    }

    /** Counts measurements; its count is checkpointed. */
    static final class Counter implements TrainingListener {
        long seen;

        @Override
        public void onMeasurement(long step, Map<String, Double> values) {
            seen++;
        }

        @Override
        public double[] state() {
            return new double[]{seen};
        }

        @Override
        public void restore(double[] state) {
            seen = (long) state[0];
        }
    }

    /** Least squares {@code mean((x w - y)^2)} with targets from a fixed w* and fresh x every step. */
    private TrainingPlan plan(long steps, double eta, long logEvery, Counter counter) {
        Graph g = new Graph(3);
        Value x = g.input("x", DType.FLOAT32, N, D);
        Value y = g.input("y", DType.FLOAT32, N, 1);
        Value w = g.parameter("w", Shape.of(D, 1), Init.normal(0.5));
        Value r = g.sub(g.matMul(x, w), y);
        Value loss = g.reduceMean(g.mul(r, r), false);
        Value wNorm = g.sqrt(g.reduceSum(g.mul(w, w), false));
        ParameterStore store = ParameterStore.of(g);
        return TrainingPlan.builder("lsq", g, loss, store, new Momentum(eta), t -> batch(t), steps)
                .metric("w_norm", wNorm).logEvery(logEvery).window(5).listener("counter", counter)
                .evaluate(5, t -> Map.of("eval_w0", store.get("w").floats().get(0) + 0.0))
                .inputs(List.of(x, y))
                .export("model", new TrainingPlan.Export(List.of(x), Map.of("prediction", g.matMul(x, w))))
                .build();
    }

    private static Map<String, HostTensor> batch(long t) {
        SplittableRandom rng = StepRandom.of(11, 0, t);
        float[] x = new float[N * D];
        float[] y = new float[N];
        for (int i = 0; i < N; i++) {
            for (int j = 0; j < D; j++) {
                x[i * D + j] = (float) rng.nextGaussian();
                y[i] += x[i * D + j] * (j + 1) * 0.25f;
            }
        }
        return Map.of("x", HostTensor.of(x, N, D), "y", HostTensor.of(y, N, 1));
    }

    private record Run(List<String> rows, TrainingResult result, float[] w, long seen) {
    }

    private Run fit(Path folder, long steps, long checkpointEvery, Path resume, long logEvery) throws Exception {
        Files.createDirectories(folder);
        List<String> rows = new ArrayList<>();
        TrainingCore core = TrainingCore.standalone(folder, executor, (step, v) -> {
            Map<String, Double> copy = new LinkedHashMap<>(v);
            copy.remove("steps_per_s"); // a wall-clock rate, not part of the trajectory
            rows.add(step + " " + copy);
        }, checkpointEvery, resume, List.of("onnx"), "lsq", "task: {name: lsq}\n");
        Counter counter = new Counter();
        TrainingPlan p = plan(steps, 0.02, logEvery, counter);
        TrainingResult r = core.fit(p);
        float[] w = new float[D];
        p.store().get("w").floats().get(0, w);
        return new Run(rows, r, w, counter.seen);
    }

    @Test
    void resumeRepeatsTheUninterruptedRunExactly() throws Exception {
        Run straight = fit(dir.resolve("straight"), 40, 0, null, 3);
        Run first = fit(dir.resolve("first"), 17, 7, null, 3);
        // the first run checkpointed at 7, 14 and (before its last measurement) 17: resume continues at 17
        Run resumed = fit(dir.resolve("resumed"), 40, 0, dir.resolve("first"), 3);

        assertThat(resumed.result().startStep()).isEqualTo(17);
        assertThat(resumed.w()).containsExactly(straight.w());
        List<String> tail = straight.rows().stream().filter(r -> Long.parseLong(r.split(" ")[0]) >= 17).toList();
        assertThat(resumed.rows()).containsExactlyElementsOf(tail);
        assertThat(resumed.result().windowMeans()).isEqualTo(straight.result().windowMeans());
        assertThat(resumed.result().last()).isEqualTo(straight.result().last());
        assertThat(resumed.seen()).as("listener state carried").isEqualTo(straight.seen());
        assertThat(straight.rows().get(0)).startsWith("0 {loss=");
        // rows every 3 steps (0, 3, ..., 39), every evaluation (0, 5, ..., 40) and after the last update
        assertThat(straight.rows()).hasSize(14 + 8 - 3 + 1);
        assertThat(straight.rows()).filteredOn(r -> r.contains("eval_w0")).extracting(r -> r.split(" ")[0])
                .containsExactly("0", "5", "10", "15", "20", "25", "30", "35", "40");
    }

    @Test
    void anEvaluationOnlyResumeTrainsNothingAndMeasuresTheSameModel() throws Exception {
        Run done = fit(dir.resolve("done"), 12, 0, null, 4);
        Run again = fit(dir.resolve("again"), 12, 0, dir.resolve("done"), 4);
        assertThat(again.result().stepsTaken()).isZero();
        assertThat(Double.isNaN(again.result().stepsPerSecond())).isTrue();
        assertThat(again.result().last()).isEqualTo(done.result().last());
        assertThat(again.w()).containsExactly(done.w());
    }

    @Test
    void checkpointIsSafetensorsWithTheLoopStateAndHonoursTheUmask() throws Exception {
        fit(dir.resolve("a"), 5, 0, null, 1);
        Path file = dir.resolve("a").resolve(ResumeSource.FILE);
        Checkpoint c = Checkpoints.read(file);
        assertThat(c.step()).isEqualTo(5);
        assertThat(c.params()).containsOnlyKeys("w");
        assertThat(c.optimizerState()).containsOnlyKeys("v0");
        assertThat(c.metadata()).containsKeys("loop", "config", "config_sha256", "task", "suffice_version");
        assertThat(c.metadata().get("config_sha256")).hasSize(64);
        // header: 8-byte little-endian length, then JSON starting with '{'
        byte[] b = Files.readAllBytes(file);
        long n = java.nio.ByteBuffer.wrap(b, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertThat(new String(b, 8, (int) n, StandardCharsets.UTF_8)).startsWith("{").contains("\"param/w\"");
        assertThat(Files.getPosixFilePermissions(file)).contains(PosixFilePermission.OTHERS_READ)
                .doesNotContain(PosixFilePermission.OTHERS_WRITE);
        assertThat(Files.list(dir.resolve("a")).map(p -> p.getFileName().toString()))
                .containsExactlyInAnyOrder(ResumeSource.FILE, "model.onnx");
    }

    @Test
    void divergenceNamesTheStepAndTheLastFiniteValues() {
        TrainingCore core = TrainingCore.standalone(dir, executor, (s, v) -> { }, 0, null, List.of(), "lsq", "");
        TrainingPlan p = plan(200, 5.0, 1, new Counter());
        assertThatThrownBy(() -> core.fit(p)).isInstanceOf(TrainingDivergedException.class)
                .hasMessageMatching("training diverged at step \\d+: \\{loss=(NaN|Infinity).*; last finite values: "
                        + "\\{loss=.*w_norm=.*");
    }

    @Test
    void aStopRequestCheckpointsTheCurrentStepAndResumesFromIt() throws Exception {
        Run straight = fit(dir.resolve("straight"), 20, 0, null, 1);
        StopSignal stop = StopSignal.none();
        Path folder = Files.createDirectories(dir.resolve("stopped"));
        List<String> rows = new ArrayList<>();
        RunIdentity id = new RunIdentity(folder, folder, 0, List.of(), RunIdentity.metadata("lsq", ""));
        TrainingCore core = new TrainingCore(id, () -> executor, io.suffice.runtime.engine.Autodiff.standard(),
                new TrainingCore.RunMetrics() {
                    @Override
                    public void log(long step, Map<String, Double> values) {
                        if (step == 8) {
                            stop.request(StopSignal.Received.TERM);
                        }
                    }

                    @Override
                    public void continueFrom(Path parentCsv, long before) {
                    }
                }, (l, s, t) -> new io.suffice.api.task.Progress() {
                    @Override
                    public void update(long done, String message) {
                    }

                    @Override
                    public void close() {
                    }
                }, stop, null);
        assertThatThrownBy(() -> core.fit(plan(20, 0.02, 1, new Counter())))
                .isInstanceOfSatisfying(TrainingInterruptedException.class, e -> {
                    assertThat(e.step()).isEqualTo(9);
                    assertThat(e.signal()).isEqualTo(StopSignal.Received.TERM);
                    assertThat(e.checkpoint()).isEqualTo(folder.resolve(ResumeSource.FILE));
                });
        Run resumed = fit(dir.resolve("resumed"), 20, 0, folder, 1);
        assertThat(resumed.result().startStep()).isEqualTo(9);
        assertThat(resumed.w()).containsExactly(straight.w());
    }

    @Test
    void aCheckpointOfOtherShapesNamesTheFirstMismatchingTensor() throws Exception {
        fit(dir.resolve("a"), 3, 0, null, 1);
        Checkpoint c = Checkpoints.read(dir.resolve("a").resolve(ResumeSource.FILE));
        Map<String, HostTensor> params = Map.of("w", HostTensor.zeros(DType.FLOAT32, Shape.of(D + 1, 1)));
        Path bad = dir.resolve("bad.safetensors");
        Checkpoints.write(bad, new Checkpoint(3, params, c.optimizerState(), Map.of(), c.metadata()));
        assertThatThrownBy(() -> fit(dir.resolve("b"), 10, 0, bad, 1))
                .hasMessage("checkpoint " + bad + ": parameter 'w' is FLOAT32[7, 1] there but FLOAT32[6, 1] in the "
                        + "model");
    }

    @Test
    void everyDefectiveCheckpointIsOneLineNamingTheFile() throws Exception {
        fit(dir.resolve("a"), 3, 0, null, 1);
        byte[] good = Files.readAllBytes(dir.resolve("a").resolve(ResumeSource.FILE));
        Map<String, byte[]> cases = new LinkedHashMap<>();
        cases.put("empty", new byte[0]);
        cases.put("short", new byte[]{1, 2, 3});
        cases.put("json", "{\"task\": {\"name\": \"clip\"}, \"padding\": \"xxxxxxxxxxxxxxxxxxxxxxxxxxxx\"}"
                .getBytes(StandardCharsets.UTF_8));
        cases.put("truncated", java.util.Arrays.copyOf(good, good.length - 9));
        cases.put("header-only", java.util.Arrays.copyOf(good, 40));
        byte[] random = new byte[4096];
        new SplittableRandom(1).nextBytes(random);
        cases.put("random", random);
        for (var e : cases.entrySet()) {
            Path f = dir.resolve(e.getKey() + ".safetensors");
            Files.write(f, e.getValue());
            assertThatThrownBy(() -> Checkpoints.read(f)).as(e.getKey())
                    .isInstanceOf(Checkpoints.CheckpointException.class)
                    .hasMessageStartingWith("checkpoint " + f + ": ")
                    .satisfies(t -> assertThat(t.getMessage()).doesNotContain("\n").hasSizeLessThan(300)
                            .doesNotContain("clip"));
        }
        assertThatThrownBy(() -> Checkpoints.read(dir.resolve("missing.safetensors")))
                .hasMessageEndingWith("no such file");
    }
}
