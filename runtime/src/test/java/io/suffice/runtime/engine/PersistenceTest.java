package io.suffice.runtime.engine;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.MLP;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PersistenceTest {
    @TempDir
    Path dir;

    /** Heavy-ball momentum: a stateful optimizer to exercise state() and restore(). */
    static final class Momentum implements Optimizer {
        private final double eta;
        private final List<HostTensor> velocity = new ArrayList<>();

        Momentum(double eta) {
            this.eta = eta;
        }

        @Override
        public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
            for (int i = 0; i < params.size(); i++) {
                if (velocity.size() <= i) {
                    velocity.add(HostTensor.zeros(params.get(i).dtype(), params.get(i).shape()));
                }
                var v = velocity.get(i).floats();
                var p = params.get(i).floats();
                var g = grads.get(i).floats();
                for (int k = 0; k < p.limit(); k++) {
                    v.put(k, 0.9f * v.get(k) + g.get(k));
                    p.put(k, p.get(k) - (float) eta * v.get(k));
                }
            }
        }

        @Override
        public Map<String, HostTensor> state() {
            Map<String, HostTensor> m = new LinkedHashMap<>();
            for (int i = 0; i < velocity.size(); i++) {
                m.put("v" + i, velocity.get(i).copy());
            }
            return m;
        }

        @Override
        public void restore(Map<String, HostTensor> state) {
            velocity.clear();
            for (int i = 0; i < state.size(); i++) {
                velocity.add(state.get("v" + i).copy());
            }
        }
    }

    record Model(Graph g, Value x, Value out, Value loss) {
    }

    static Model model() {
        Graph g = new Graph(4);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 2);
        Value y = g.input("y", DType.FLOAT32, Shape.DYNAMIC);
        Value h = new LayerNorm(g, "ln", 2).apply(x);
        Value f = g.squeeze(new MLP(g, "mlp", 2, 8, 1).apply(h), 1);
        Value sign = g.sub(g.mul(y, g.scalar(2, DType.FLOAT32)), g.scalar(1, DType.FLOAT32));
        return new Model(g, x, f, g.reduceMean(g.softplus(g.neg(g.mul(sign, f))), false));
    }

    @Test
    void exportedModelReproducesTrainedOutputs() throws Exception {
        Model m = model();
        ParameterStore store = ParameterStore.of(m.g());
        var batch = TrainStepTest.xorBatch();
        Path file = dir.resolve("model.onnx");
        float[] expected;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), m.loss(), Map.of(), store)) {
            for (int t = 0; t < 30; t++) {
                step.step(batch, new TrainStepTest.Gd(0.5), t, 30);
            }
            List<Value> in = new ArrayList<>(m.g().parameters());
            in.add(m.x());
            Map<String, HostTensor> feeds = new LinkedHashMap<>(store.asMap());
            feeds.put("x", batch.get("x"));
            expected = ExecutorTest.toFloats(ex.compile(m.g(), in, Map.of("f", m.out())).run(feeds).get("f"));
            OnnxExport.export(file, List.of(m.x()), Map.of("f", m.out()), store);
        }
        assertThat(Files.list(dir)).containsExactly(file); // no temporary file left behind
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession s = env.createSession(file.toString(), new OrtSession.SessionOptions());
             OnnxTensor x = OnnxTensor.createTensor(env, batch.get("x").floats(), new long[]{4, 2});
             OrtSession.Result r = s.run(Map.of("x", x))) {
            float[] got = ((OnnxTensor) r.get("f").orElseThrow()).getFloatBuffer().array();
            // the same function, but a different ONNX Runtime graph (weights as initializers get folded and fused
            // differently than weights fed as inputs): equal up to float32 rounding, 4 ulps, not bit for bit
            assertThat(got).hasSameSizeAs(expected);
            for (int i = 0; i < got.length; i++) {
                assertThat(got[i]).as("f[%d]", i).isCloseTo(expected[i],
                        org.assertj.core.data.Offset.offset(4 * Math.ulp(Math.abs(expected[i]))));
            }
            assertThat(s.getInputNames()).containsExactly("x");
        }
        python("import onnx,sys; m=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True);"
                + " print(m.opset_import[0].version)", file);
    }

    @Test
    void checkpointResumesExactlyAndPythonReadsIt() throws Exception {
        var batch = TrainStepTest.xorBatch();
        // reference: 20 uninterrupted steps
        Model a = model();
        ParameterStore sa = ParameterStore.of(a.g());
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), a.loss(), Map.of(), sa)) {
            Optimizer opt = new Momentum(0.1);
            for (int t = 0; t < 20; t++) {
                step.step(batch, opt, t, 20);
            }
        }
        // 10 steps, checkpoint, fresh model/optimizer restored from the file, 10 more steps
        Path file = dir.resolve("ckpt.safetensors");
        Model b = model();
        ParameterStore sb = ParameterStore.of(b.g());
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults())) {
            try (TrainStep step = TrainStep.compile(ex, Autodiff.standard(), b.loss(), Map.of(), sb)) {
                Optimizer opt = new Momentum(0.1);
                for (int t = 0; t < 10; t++) {
                    step.step(batch, opt, t, 20);
                }
                Checkpoints.write(file, Checkpoints.capture(10, sb, opt, Map.of(), Map.of("note", "test")));
            }
            Model c = model();
            ParameterStore sc = ParameterStore.of(c.g());
            Checkpoint ck = Checkpoints.read(file);
            assertThat(ck.step()).isEqualTo(10);
            assertThat(ck.metadata()).containsEntry("note", "test");
            Optimizer opt = new Momentum(0.1);
            assertThat(Checkpoints.restore(ck, file, sc, opt)).isEqualTo(10);
            try (TrainStep step = TrainStep.compile(ex, Autodiff.standard(), c.loss(), Map.of(), sc)) {
                for (long t = ck.step(); t < 20; t++) {
                    step.step(batch, opt, t, 20);
                }
            }
            for (String name : sa.names()) {
                assertThat(sc.get(name).toDoubleArray()).as(name).containsExactly(sa.get(name).toDoubleArray());
            }
        }
        python("import json,struct,sys\nimport numpy as np\nb=open(sys.argv[1],'rb').read()\n"
                + "n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n])\n"
                + "t=h['param/mlp.0.weight']; s,e=t['data_offsets']\n"
                + "w=np.frombuffer(b[8+n+s:8+n+e],dtype=np.float32).reshape(t['shape'])\n"
                + "assert w.shape==(2,8) and h['__metadata__']['step']=='10', h\nprint(w.sum())", file);
    }

    @Test
    void corruptCheckpointIsReported() throws Exception {
        Path file = dir.resolve("bad.safetensors");
        Files.write(file, new byte[]{1, 2, 3});
        assertThatThrownBy(() -> Checkpoints.read(file)).hasMessageContaining("bad.safetensors");
    }

    /** Runs a snippet under /usr/bin/python3 with the file as argv[1]; skips when Python lacks the modules (fails on CI). */
    static void python(String code, Path file) throws Exception {
        Path py = Path.of("/usr/bin/python3");
        CiRequirement.require(Files.isExecutable(py), "/usr/bin/python3");
        String module = code.contains("onnx") ? "onnx" : "numpy";
        Process probe = new ProcessBuilder(py.toString(), "-c", "import " + module).start();
        CiRequirement.require(probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0,
                "python3 module " + module + " (Debian package python3-onnx)");
        Process p = new ProcessBuilder(py.toString(), "-c", code, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
