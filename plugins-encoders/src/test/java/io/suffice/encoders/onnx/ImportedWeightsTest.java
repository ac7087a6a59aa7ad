package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
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

/** Where an imported graph's parameters come from: initializers, Constant nodes, shared tensors, untied copies. */
class ImportedWeightsTest {
    static OrtExecutor executor;

    @BeforeAll
    static void open() {
        executor = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    /**
     * Parameter name -> gradient of sum(y^2 w) (and "y" -> y), computed by the engine for {@code batch}; w is
     * (1, 2, ..., d) / 10 along the last axis when {@code weighted}, else 1.
     */
    private static Map<String, double[]> gradients(Graph g, Value y, Map<String, HostTensor> batch,
                                                   boolean weighted) {
        List<Value> params = g.parameters();
        Value sq = g.mul(y, y);
        if (weighted) {
            int d = (int) y.shape().dim(-1);
            float[] w = new float[d];
            for (int i = 0; i < d; i++) {
                w[i] = (i + 1) / 10f;
            }
            sq = g.mul(sq, g.constant(HostTensor.of(w, d)));
        }
        List<Value> grads = Autodiff.standard().gradients(g.reduceSum(sq, false), params);
        List<Value> inputs = new ArrayList<>(params);
        inputs.addAll(g.inputs());
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("y", y);
        for (int i = 0; i < params.size(); i++) {
            outs.put("grad_" + i, grads.get(i));
        }
        Map<String, HostTensor> feeds = new HashMap<>(ParameterStore.of(g).asMap());
        feeds.putAll(batch);
        Map<String, HostTensor> r = executor.compile(g, inputs, outs).run(feeds);
        Map<String, double[]> byName = new LinkedHashMap<>();
        byName.put("y", r.get("y").toDoubleArray());
        for (int i = 0; i < params.size(); i++) {
            byName.put(params.get(i).name(), r.get("grad_" + i).toDoubleArray());
        }
        return byName;
    }

    /** The tiny MLP with every initializer turned into a Constant node of the same name (as converters write). */
    private static OnnxMl.ModelProto withConstantWeights(OnnxMl.ModelProto m) {
        var gb = m.getGraph().toBuilder();
        List<OnnxMl.NodeProto> consts = new ArrayList<>();
        for (OnnxMl.TensorProto t : gb.getInitializerList()) {
            consts.add(OnnxMl.NodeProto.newBuilder().setOpType("Constant").setName("const_" + t.getName())
                    .addOutput(t.getName()).addAttribute(OnnxMl.AttributeProto.newBuilder().setName("value")
                            .setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(t)).build());
        }
        List<OnnxMl.NodeProto> nodes = new ArrayList<>(consts);
        nodes.addAll(gb.getNodeList());
        gb.clearInitializer().clearNode().addAllNode(nodes);
        return m.toBuilder().setGraph(gb).build();
    }

    @Test
    void constantNodeWeightsBecomeParametersWithTheSameGradients() {
        OnnxMl.ModelProto m = OnnxModelInspector.parse(Fixtures.file("tiny-mlp.onnx"));
        OnnxMl.ModelProto c = withConstantWeights(m);
        HostTensor x = Fixtures.floats(OnnxImporterTest.MLP.get("x"));
        Map<String, Map<String, double[]>> runs = new HashMap<>();
        for (var e : Map.of("initializers", m, "constants", c).entrySet()) {
            Graph g = new Graph(0);
            Value in = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 4);
            OnnxImporter.Result r = OnnxImporter.importModel(g, e.getValue(), Map.of("x", in),
                    new OnnxImporter.Options("", true, false), ImportVetting.outputNames(e.getValue()));
            assertThat(r.parameters()).as(e.getKey()).isEqualTo(m.getGraph().getInitializerCount());
            runs.put(e.getKey(), gradients(g, r.outputs().values().iterator().next(), Map.of("x", x), false));
        }
        assertThat(runs.get("constants").keySet()).isEqualTo(runs.get("initializers").keySet());
        runs.get("initializers").forEach((name, want) ->
                assertThat(runs.get("constants").get(name)).as(name).containsExactly(want));
    }

    @Test
    void aTrainableImportWithoutWeightsIsAnErrorNamingWhy(@TempDir Path dir) throws Exception {
        OnnxMl.ModelProto m = OnnxModelInspector.parse(Fixtures.file("tiny-mlp.onnx"));
        var gb = m.getGraph().toBuilder().clearInitializer().clearNode().clearOutput()
                .addNode(OnnxMl.NodeProto.newBuilder().setOpType("Relu").setName("relu").addInput("x").addOutput("y"))
                .addOutput(m.getGraph().getInput(0).toBuilder().setName("y"));
        OnnxMl.ModelProto relu = m.toBuilder().setGraph(gb).build();
        Graph g = new Graph(0);
        Value in = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 4);
        assertThatThrownBy(() -> OnnxImporter.importInto(g, relu, Map.of("x", in), "", true, List.of("y")))
                .hasMessageContaining("yields no trainable parameters")
                .hasMessageContaining("0 initializers (0 of float type) and no float Constant node");
        Graph frozen = new Graph(0);
        assertThat(OnnxImporter.importInto(frozen, relu, Map.of("x", frozen.input("x", DType.FLOAT32, Shape.DYNAMIC,
                4)), "", false, List.of("y"))).as("a frozen import is fine").containsKey("y");
        Path f = Files.write(dir.resolve("relu.onnx"), relu.toByteArray());
        assertThat(OnnxInspectCommandTest.run(dir, "onnx", "inspect", f.toString()).out())
                .contains("trainable import: refused: ", "yields no trainable parameters");
    }

    private static Map<String, HostTensor> bertBatch(JsonNode exp) {
        Map<String, HostTensor> b = new LinkedHashMap<>();
        for (String k : List.of("input_ids", "attention_mask", "token_type_ids")) {
            b.put(k, Fixtures.longs(exp.get(k)));
        }
        return b;
    }

    private static Map<String, double[]> importedBert(boolean untie, Map<String, HostTensor> batch) {
        OnnxMl.ModelProto m = OnnxModelInspector.parse(Fixtures.file("tiny-bert-opset11.onnx"));
        Graph g = new Graph(0);
        Map<String, Value> in = new LinkedHashMap<>();
        // symbolic batch and sequence: the one graph serves any batch
        batch.keySet().forEach(k -> in.put(k, g.input(k, DType.INT64, Shape.DYNAMIC, Shape.DYNAMIC)));
        OnnxImporter.Result r = OnnxImporter.importModel(g, m, in, new OnnxImporter.Options("encoder.", true, untie),
                List.of("last_hidden_state"));
        return gradients(g, r.outputs().get("last_hidden_state"), batch, true);
    }

    /**
     * The text pipeline's independent fixture (tools/fixtures/bert_tiny.py): its opset-11 and opset-14 exports with
     * symbolic batch and sequence, fed the unpadded [3, 13] batch; gradients of sum(y * w) against its PyTorch
     * reference, each tensor relative to its largest entry floored at 1e-3 of the largest gradient entry.
     */
    @Test
    void textPipelineBertFixtureGradientsMatchPytorchAtOpsets11And14() {
        JsonNode ref = Fixtures.json("bert-tiny/reference.json");
        for (String opset : List.of("11", "14")) {
            OnnxMl.ModelProto m = OnnxModelInspector.parse(Fixtures.file("bert-tiny/bert-tiny-opset" + opset
                    + ".onnx"));
            Graph g = new Graph(0);
            Map<String, Value> in = new LinkedHashMap<>();
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            for (String k : List.of("input_ids", "attention_mask", "token_type_ids")) {
                in.put(k, g.input(k, DType.INT64, Shape.DYNAMIC, Shape.DYNAMIC));
                feeds.put(k, Fixtures.longs(ref.get(k)));
            }
            Value y = OnnxImporter.importInto(g, m, in, "", true, List.of("last_hidden_state"))
                    .get("last_hidden_state");
            Value w = g.constant(Fixtures.floats(ref.get("loss_weights")));
            List<Value> params = g.parameters();
            List<Value> grads = Autodiff.standard().gradients(g.reduceSum(g.mul(y, w), false), params);
            Map<String, Value> outs = new LinkedHashMap<>();
            outs.put("y", y);
            for (int i = 0; i < params.size(); i++) {
                outs.put("grad_" + i, grads.get(i));
            }
            List<Value> inputs = new ArrayList<>(params);
            inputs.addAll(in.values());
            Map<String, HostTensor> all = new HashMap<>(ParameterStore.of(g).asMap());
            all.putAll(feeds);
            Map<String, HostTensor> r = executor.compile(g, inputs, outs).run(all);
            assertThat(Fixtures.maxRelErr(r.get("y").toDoubleArray(),
                    Fixtures.doubles(ref.get("last_hidden_state").get("data")))).isLessThan(1e-5);
            JsonNode want = ref.get("gradients_opset" + opset);
            double largest = 0;
            for (JsonNode t : want) {
                for (double v : Fixtures.doubles(t.get("data"))) {
                    largest = Math.max(largest, Math.abs(v));
                }
            }
            double worst = 0;
            for (var it = want.fields(); it.hasNext(); ) {
                var e = it.next();
                int i = params.stream().map(Value::name).toList().indexOf(e.getKey());
                assertThat(i).as("parameter " + e.getKey()).isNotNegative();
                worst = Math.max(worst, relErr(r.get("grad_" + i).toDoubleArray(),
                        Fixtures.doubles(e.getValue().get("data")), 1e-3 * largest));
            }
            assertThat(worst).as("opset " + opset).isLessThan(1e-4);
            System.out.printf("bert-tiny opset %s, symbolic batch and sequence: %d gradients, worst %.2g%n", opset,
                    want.size(), worst);
        }
    }

    /** One import with symbolic batch and sequence, compiled once, serves batches of different shapes. */
    @Test
    void oneImportedGraphServesAnyBatchAndSequenceLength() {
        Path file = Fixtures.file("tiny-bert-opset11.onnx");
        OnnxMl.ModelProto m = OnnxModelInspector.parse(file);
        Graph g = new Graph(0);
        Map<String, Value> in = new LinkedHashMap<>();
        for (String k : List.of("input_ids", "attention_mask", "token_type_ids")) {
            in.put(k, g.input(k, DType.INT64, Shape.DYNAMIC, Shape.DYNAMIC));
        }
        Value y = OnnxImporter.importInto(g, m, in, "", false, List.of("last_hidden_state")).get("last_hidden_state");
        var step = executor.compile(g, new ArrayList<>(in.values()), Map.of("y", y));
        var file1 = executor.load(file);
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        for (long[] bs : new long[][]{{1, 3}, {4, 9}}) {
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            for (String k : in.keySet()) {
                long[] v = new long[(int) (bs[0] * bs[1])];
                for (int i = 0; i < v.length; i++) {
                    v[i] = k.equals("input_ids") ? rng.nextInt(30) : k.equals("attention_mask") ? 1 : rng.nextInt(2);
                }
                feeds.put(k, HostTensor.of(v, bs));
            }
            HostTensor got = step.run(feeds).get("y");
            assertThat(got.shape()).isEqualTo(Shape.of(bs[0], bs[1], 16));
            assertThat(Fixtures.maxRelErr(got.toDoubleArray(), file1.run(feeds).get("last_hidden_state")
                    .toDoubleArray())).as("batch %d x %d", bs[0], bs[1]).isLessThan(1e-5);
        }
    }

    @Test
    void theEncodersUntieSettingGivesEachUseOfASharedTensorItsOwnParameter() {
        for (boolean untie : new boolean[]{false, true}) {
            OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(
                    Fixtures.file("tiny-bert-opset11.onnx")).withTrainable(true).withUntie(untie)
                    .withPooling(Pooling.MEAN, 1, ""));
            Graph g = new Graph(0);
            Map<String, Value> in = new LinkedHashMap<>();
            for (String k : List.of("input_ids", "attention_mask", "token_type_ids")) {
                in.put(k, g.input(k, DType.INT64, Shape.DYNAMIC, Shape.DYNAMIC));
            }
            enc.forward(g, in);
            // 29 tensors in the file, 8 of them aliases of the two shared LayerNorm tensors
            assertThat(g.parameters()).as("untie " + untie).hasSize(untie ? 37 : 29);
            if (untie) {
                assertThat(g.find("encoder.layers.1.ln2.weight")).isNotNull();
            }
        }
    }

    private static double relErr(double[] got, double[] want) {
        return relErr(got, want, 0);
    }

    /** max |got - want| / max(max |want|, floor). */
    private static double relErr(double[] got, double[] want, double floor) {
        double scale = floor;
        double diff = 0;
        for (int i = 0; i < want.length; i++) {
            scale = Math.max(scale, Math.abs(want[i]));
            diff = Math.max(diff, Math.abs(got[i] - want[i]));
        }
        return diff / Math.max(scale, 1e-30);
    }

    /**
     * The opset-11 BERT export (symbolic batch and sequence, shared LayerNorm tensors): with {@code untie} every
     * torch parameter is a parameter of its own and its gradient matches PyTorch autograd; tied, the shared tensor
     * gets the sum of its uses' gradients.
     */
    @Test
    void opset11BertGradientsMatchPytorchTiedAndUntied() {
        JsonNode exp = Fixtures.json("tiny-bert-opset11-expected.json");
        Map<String, HostTensor> batch = bertBatch(exp);
        double[] y = Fixtures.doubles(exp.get("last_hidden_state").get("data"));
        JsonNode want = exp.get("grads");

        Map<String, double[]> untied = importedBert(true, batch);
        assertThat(Fixtures.maxRelErr(untied.get("y"), y)).isLessThan(1e-5);
        assertThat(untied.size() - 1).isEqualTo(want.size());
        double worst = 0;
        Map<String, Double> errors = new LinkedHashMap<>();
        // The key biases' gradients are zero in exact arithmetic (softmax ignores a shift shared by a row), so
        // float32 leaves only rounding noise there: each tensor is compared relative to its own largest entry, but
        // at least 1e-3 of the largest gradient entry of the model.
        double largest = 0;
        for (var it = want.fields(); it.hasNext(); ) {
            for (double v : Fixtures.doubles(it.next().getValue())) {
                largest = Math.max(largest, Math.abs(v));
            }
        }
        for (var it = want.fields(); it.hasNext(); ) {
            var e = it.next();
            double[] got = untied.get("encoder." + e.getKey());
            assertThat(got).as("parameter for " + e.getKey() + " among " + untied.keySet()).isNotNull();
            double err = relErr(got, Fixtures.doubles(e.getValue()), 1e-3 * largest);
            errors.put(e.getKey(), err);
            worst = Math.max(worst, err);
        }
        assertThat(worst).as(errors.toString()).isLessThan(1e-4);
        System.out.printf("untied opset-11 BERT: %d parameters, worst gradient error vs PyTorch %.2g%n",
                untied.size() - 1, worst);

        Map<String, double[]> tied = importedBert(false, batch);
        assertThat(tied.size() - 1).isEqualTo(want.size() - 8);
        for (String shared : List.of("ln.weight", "ln.bias")) {
            double[] sum = Fixtures.doubles(want.get(shared));
            String leaf = shared.substring(3);
            for (String layer : List.of("layers.0.ln1.", "layers.0.ln2.", "layers.1.ln1.", "layers.1.ln2.")) {
                double[] part = Fixtures.doubles(want.get(layer + leaf));
                for (int i = 0; i < sum.length; i++) {
                    sum[i] += part[i];
                }
            }
            assertThat(relErr(tied.get("encoder." + shared), sum)).as(shared).isLessThan(1e-4);
        }
    }
}
