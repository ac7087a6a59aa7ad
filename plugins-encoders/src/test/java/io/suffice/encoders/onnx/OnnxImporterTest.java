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
        GradientRegistry rules = GradientRegistry.standard();
        for (String op : OnnxImporter.SUPPORTED) {
            if (!OnnxImporter.NO_GRADIENT_NEEDED.contains(op)) {
                assertThat(rules.rule(op)).as("gradient rule for " + op).isNotNull();
            }
        }
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

    @Test
    void imageTowerNamesItsUnsupportedOperators() {
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-image-tower.onnx"))
                .withTrainable(true));
        Graph g = new Graph(0);
        Value x = g.input("pixel_values", DType.FLOAT32, Shape.DYNAMIC, 3, 8, 8);
        assertThatThrownBy(() -> enc.forward(g, x))
                .hasMessageContaining("cannot import ONNX graph")
                .hasMessageContaining("no import or gradient rule for Conv (1 node")
                .hasMessageContaining("Shape (");
        assertThat(g.nodes()).as("nothing is added on failure").isEmpty();
    }

    @Test
    void textTowerNamesItsUnsupportedOperators() throws Exception {
        OnnxMl.ModelProto m = OnnxModelInspector.parse(Fixtures.file("tiny-text-tower.onnx"));
        assertThat(String.join(", ", OnnxImporter.unsupported(m))).contains("ConstantOfShape (").contains("Shape (")
                .doesNotContain("Gemm").doesNotContain("LayerNormalization");
        OnnxFileEncoder enc = new OnnxFileEncoder(OnnxFileEncoderSettings.of(Fixtures.file("tiny-text-tower.onnx")));
        Graph g = new Graph(0);
        Value x = g.input("x", DType.INT64, Shape.DYNAMIC, 6);
        assertThatThrownBy(() -> enc.forward(g, x)).hasMessageContaining("has 2 inputs");
    }
}
