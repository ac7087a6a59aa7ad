package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.GradientRegistry;
import io.suffice.runtime.engine.OnnxExport;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Importing ONNX graphs as trainable suffice graphs: outputs and gradients agree with PyTorch. */
class OnnxImporterTest {
    static final JsonNode MLP = Fixtures.json("tiny-mlp-expected.json");
    static OrtExecutor executor;

    @BeforeAll
    static void open() {
        executor = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
    }

    @AfterAll
    static void close() {
        executor.close();
    }

    @Test
    void everySupportedOperatorHasAGradientRuleOrNeedsNone() {
        // one definition per operator: the runtime's rules are the ones declared with the importer's operators
        GradientRegistry rules = GradientRegistry.standard();
        for (var op : OnnxImporter.OPERATORS.all()) {
            if (op.noGradient() == null) {
                assertThat(rules.rule(op.opType())).as("gradient rule for " + op.opType()).isSameAs(op.gradient());
            } else {
                assertThat(rules.rule(op.opType())).as(op.opType()).isNull();
            }
        }
        assertThat(OnnxImporter.OPERATORS.importable()).contains("Conv", "Gather", "LayerNormalization", "Slice");
    }

    @Test
    void importedMlpMatchesPytorchOutputsAndGradients() {
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-mlp.onnx"))
                .withTrainable(true));
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 4);
        Value y = enc.forward(g, x);
        assertThat(y.shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 2));
        List<Value> params = g.parameters();
        assertThat(params).hasSize(8);   // 3 Linear (weight, bias) + LayerNorm (weight, bias)
        Value loss = g.reduceSum(g.mul(y, y), false);
        List<Value> grads = Autodiff.standard().gradients(loss, params);

        ParameterStore store = ParameterStore.of(g);
        List<Value> inputs = new ArrayList<>(params);
        inputs.add(x);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("y", y);
        for (int i = 0; i < params.size(); i++) {
            outs.put("grad_" + i, grads.get(i));
        }
        Map<String, HostTensor> feeds = new HashMap<>(store.asMap());
        feeds.put("x", Fixtures.floats(MLP.get("x")));
        Executable step = executor.compile(g, inputs, outs);
        Map<String, HostTensor> r = step.run(feeds);
        double yErr = Fixtures.maxRelErr(r.get("y").toDoubleArray(), Fixtures.doubles(MLP.get("y").get("data")));
        System.out.printf("imported MLP: output max rel err vs PyTorch %.3g%n", yErr);
        assertThat(yErr).isLessThan(1e-5);
        JsonNode want = MLP.get("grads_of_sum_y_squared");
        double worst = 0;
        for (int i = 0; i < params.size(); i++) {
            String onnxName = params.get(i).name().substring("encoder.".length());
            assertThat(want.has(onnxName)).as(onnxName).isTrue();
            double[] got = r.get("grad_" + i).toDoubleArray();
            assertThat(got).as("gradient of " + onnxName).isNotEqualTo(new double[got.length]);
            worst = Math.max(worst, Fixtures.maxRelErr(got, Fixtures.doubles(want.get(onnxName))));
        }
        System.out.printf("imported MLP: gradient max rel err vs PyTorch %.3g%n", worst);
        assertThat(worst).isLessThan(1e-4);
    }

    @Test
    void frozenImportBakesWeightsInAsConstants() {
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-mlp.onnx")));
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 4);
        Value y = enc.forward(g, x);
        assertThat(g.parameters()).isEmpty();
        HostTensor out = executor.compile(g, List.of(x), Map.of("y", y))
                .run(Map.of("x", Fixtures.floats(MLP.get("x")))).get("y");
        assertThat(Fixtures.maxRelErr(out.toDoubleArray(), Fixtures.doubles(MLP.get("y").get("data"))))
                .isLessThan(1e-5);
    }

    /** Round trip: a suffice graph exported by OnnxExport imports back to the same function. */
    @Test
    void ownExportImportsBack(@TempDir Path dir) throws Exception {
        Graph g = new Graph(7);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 3);
        Value w = g.parameter("w", Shape.of(3, 5), io.suffice.api.graph.Init.normal(0.5));
        Value h = g.softmax(g.tanh(g.matMul(x, w)), -1);
        Value z = g.reduceMean(g.unsqueeze(h, 1), false, 1);
        Path file = dir.resolve("own.onnx");
        OnnxExport.export(file, List.of(x), Map.of("z", z), ParameterStore.of(g));
        HostTensor in = HostTensor.of(new float[]{1, -2, 0.5f, 0, 3, -1}, 2, 3);
        HostTensor want = executor.load(file).run(Map.of("x", in)).get("z");

        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(file).withTrainable(true));
        Graph g2 = new Graph(0);
        Value x2 = g2.input("x", DType.FLOAT32, Shape.DYNAMIC, 3);
        Value z2 = enc.forward(g2, x2);
        assertThat(g2.parameters()).extracting(Value::name).containsExactly("encoder.w");
        List<Value> feeds = new ArrayList<>(g2.parameters());
        feeds.add(x2);
        Map<String, HostTensor> f = new HashMap<>(ParameterStore.of(g2).asMap());
        f.put("x", in);
        HostTensor got = executor.compile(g2, feeds, Map.of("z", z2)).run(f).get("z");
        assertThat(Fixtures.maxRelErr(got.toDoubleArray(), want.toDoubleArray())).isLessThan(1e-6);
    }

    /** The image tower's patch-embedding Conv is rebuilt from Reshape/Transpose/MatMul (PatchConv). */
    @Test
    void imageTowerImportsWithAFixedBatchSizeAndMatchesPytorch() {
        JsonNode exp = OnnxFileFixturesTest.EXPECTED;
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-image-tower.onnx"))
                .withTrainable(true));
        Graph g = new Graph(0);
        Value x = g.input("pixel_values", DType.FLOAT32, 3, 3, 8, 8);
        Value z = enc.forward(g, x);
        checkAgainstPytorch(g, z, Map.of("pixel_values", Fixtures.floats(exp.get("pixel_values"))),
                exp.get("image_embeds"), "image tower", "encoder.patch.weight");
    }

    @Test
    void operatorsWithoutRulesAreNamedAndNothingIsAdded(@TempDir Path dir) throws Exception {
        OnnxMl.ModelProto image = OnnxModelInspector.parse(Fixtures.file("tiny-image-tower.onnx"));
        OnnxMl.GraphProto.Builder gb = image.getGraph().toBuilder();
        for (int i = 0; i < gb.getNodeCount(); i++) {
            if (gb.getNode(i).getOpType().equals("Conv")) {
                OnnxMl.NodeProto.Builder nb = gb.getNode(i).toBuilder();
                for (int a = 0; a < nb.getAttributeCount(); a++) {
                    if (nb.getAttribute(a).getName().equals("pads")) {
                        nb.setAttribute(a, nb.getAttribute(a).toBuilder().clearInts()
                                .addAllInts(List.of(1L, 1L, 1L, 1L)));
                    }
                }
                gb.setNode(i, nb);
            }
            if (gb.getNode(i).getOpType().equals("Erf")) {
                gb.setNode(i, gb.getNode(i).toBuilder().setOpType("Selu"));
            }
        }
        Path padded = dir.resolve("padded.onnx");
        java.nio.file.Files.write(padded, image.toBuilder().setGraph(gb).build().toByteArray());
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(padded).withTrainable(true));
        Graph g = new Graph(0);
        Value x = g.input("pixel_values", DType.FLOAT32, 3, 3, 8, 8);
        assertThatThrownBy(() -> enc.forward(g, x))
                .hasMessageContaining("cannot import ONNX graph")
                .hasMessageContaining("Conv [only unpadded convolutions import] (1 node: /patch/Conv); "
                        + "Selu [no import rule] (1 node: ");
        assertThat(g.nodes()).as("nothing is added on failure").isEmpty();
    }

    /**
     * The PyTorch text tower (attention with run-time reshape targets) imports with a symbolic batch (the shape
     * arithmetic stays in the graph) and with a fixed one (it folds), and both match PyTorch.
     */
    @Test
    void textTowerImportsWithSymbolicAndFixedBatchAndMatchesPytorch() throws Exception {
        OnnxMl.ModelProto m = OnnxModelInspector.parse(Fixtures.file("tiny-text-tower.onnx"));
        assertThat(OnnxImporter.problems(m)).isEmpty();
        JsonNode exp = OnnxFileFixturesTest.EXPECTED;
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-text-tower.onnx"))
                .withTrainable(true));

        Graph dynamic = new Graph(0);
        Map<String, Value> dyn = Map.of("input_ids", dynamic.input("input_ids", DType.INT64, Shape.DYNAMIC, 6),
                "attention_mask", dynamic.input("attention_mask", DType.INT64, Shape.DYNAMIC, 6));
        Value zd = enc.forward(dynamic, dyn);
        assertThat(zd.shape().dim(0)).isEqualTo(Shape.DYNAMIC);
        assertThat(dynamic.nodes()).as("run-time shape arithmetic kept").anyMatch(n -> n.opType().equals("Shape"));
        checkAgainstPytorch(dynamic, zd, Map.of("input_ids", Fixtures.longs(exp.get("input_ids")),
                "attention_mask", Fixtures.longs(exp.get("attention_mask"))), exp.get("text_embeds"), "text tower",
                "encoder.tok.weight");

        Graph g = new Graph(0);
        Value ids = g.input("input_ids", DType.INT64, 3, 6);
        Value mask = g.input("attention_mask", DType.INT64, 3, 6);
        Value z = enc.forward(g, Map.of("input_ids", ids, "attention_mask", mask));
        checkAgainstPytorch(g, z, Map.of("input_ids", Fixtures.longs(exp.get("input_ids")),
                "attention_mask", Fixtures.longs(exp.get("attention_mask"))), exp.get("text_embeds"), "text tower",
                "encoder.tok.weight");
    }

    /**
     * Compiles the imported output with the gradients of sum(z^2), runs it on {@code batch}, compares z with the
     * PyTorch output, checks every gradient is finite and that of {@code mustMove} non-zero, and checks the whole
     * gradient against a central difference of the loss along random directions in parameter space:
     * {@code (L(theta + h d) - L(theta - h d)) / 2h = grad . d}. The towers run in float32 (Erf has no double kernel),
     * so the tolerance is 1% of the directional derivative plus 3e-4, against measured differences of at most 0.31%
     * (1e-4 absolute) for the text tower and 0.08% (2.7e-4) for the image tower: it catches a rule that is wrong, not
     * one that is 0.1% off (runtime's float64 gradient checks do that op by op).
     */
    private static void checkAgainstPytorch(Graph g, Value z, Map<String, HostTensor> batch, JsonNode expected,
                                            String what, String mustMove) {
        List<Value> params = g.parameters();
        List<Value> grads = Autodiff.standard().gradients(g.reduceSum(g.mul(z, z), false), params);
        List<Value> inputs = new ArrayList<>(params);
        inputs.addAll(g.inputs());
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("z", z);
        for (int i = 0; i < params.size(); i++) {
            outs.put("grad_" + i, grads.get(i));
        }
        Map<String, HostTensor> feeds = new HashMap<>(ParameterStore.of(g).asMap());
        feeds.putAll(batch);
        Map<String, HostTensor> r = executor.compile(g, inputs, outs).run(feeds);
        double err = Fixtures.maxRelErr(r.get("z").toDoubleArray(), Fixtures.doubles(expected.get("data")));
        System.out.printf("imported %s: max rel err vs PyTorch %.3g (%d parameters)%n", what, err, params.size());
        assertThat(err).isLessThan(1e-5);
        boolean moved = false;
        for (int i = 0; i < params.size(); i++) {
            double[] gr = r.get("grad_" + i).toDoubleArray();
            for (double v : gr) {
                assertThat(Double.isFinite(v)).as("gradient of " + params.get(i).name()).isTrue();
            }
            if (params.get(i).name().equals(mustMove)) {
                moved = java.util.Arrays.stream(gr).anyMatch(v -> v != 0);
            }
        }
        assertThat(moved).as("non-zero gradient of " + mustMove).isTrue();

        Value loss = g.reduceSum(g.mul(z, z), false);
        Executable lossOnly = executor.compile(g, inputs, Map.of("loss", loss));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(5);
        for (int trial = 0; trial < 3; trial++) {
            Map<String, HostTensor> plus = new HashMap<>(feeds);
            Map<String, HostTensor> minus = new HashMap<>(feeds);
            double analytic = 0;
            double h = 1e-2;
            for (int i = 0; i < params.size(); i++) {
                HostTensor base = feeds.get(params.get(i).name());
                double[] gr = r.get("grad_" + i).toDoubleArray();
                HostTensor up = base.copy();
                HostTensor down = base.copy();
                for (int k = 0; k < base.size(); k++) {
                    double d = rng.nextGaussian() / Math.sqrt(base.size());
                    analytic += gr[k] * d;
                    up.floats().put(k, (float) (base.floats().get(k) + h * d));
                    down.floats().put(k, (float) (base.floats().get(k) - h * d));
                }
                plus.put(params.get(i).name(), up);
                minus.put(params.get(i).name(), down);
            }
            double fd = (lossOnly.run(plus).get("loss").toDoubleArray()[0]
                    - lossOnly.run(minus).get("loss").toDoubleArray()[0]) / (2 * h);
            assertThat(fd).as("%s: directional derivative %d, autodiff %s", what, trial, analytic)
                    .isCloseTo(analytic, org.assertj.core.data.Offset.offset(0.01 * Math.abs(analytic) + 3e-4));
        }
    }
}
