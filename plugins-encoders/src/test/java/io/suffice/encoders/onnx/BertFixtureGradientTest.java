package io.suffice.encoders.onnx;

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
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape-free export of the tiny BERT-style fixture (the file the fine-tuning flow uses until opset-11 import
 * lands), imported trainable with a symbolic batch: its output and the gradients of
 * {@code sum(last_hidden_state * loss_weights)} with respect to every initializer match PyTorch autograd on the same
 * module (reference.json, tools/fixtures/bert_tiny.py).
 */
class BertFixtureGradientTest {
    static final JsonNode REF = OnnxTextPipelineTest.REF;

    /** The reference's [3, 13] int tensor padded with zeros to [3, 16]. */
    static HostTensor padded(JsonNode n) {
        long[] src = OnnxTextPipelineTest.longs(Fixtures.longs(n));
        long[] dst = new long[3 * 16];
        for (int b = 0; b < 3; b++) {
            System.arraycopy(src, b * 13, dst, b * 16, 13);
        }
        return HostTensor.of(dst, 3, 16);
    }

    @Test
    void importedGradientsMatchPytorchAutograd() {
        var model = OnnxModelInspector.parse(Fixtures.file("bert-tiny/bert-tiny-opset14-len16.onnx"));
        Graph g = new Graph(0);
        Map<String, Value> in = new LinkedHashMap<>();
        for (String name : List.of("input_ids", "attention_mask", "token_type_ids")) {
            in.put(name, g.input(name, DType.INT64, Shape.DYNAMIC, 16));
        }
        Value y = OnnxImporter.importInto(g, model, in, "bert.", true, List.of("last_hidden_state"))
                .get("last_hidden_state");
        Value w = g.input("w", DType.FLOAT32, Shape.DYNAMIC, 16, 16);
        Value loss = g.reduceSum(g.mul(y, w), false);
        List<Value> params = g.parameters();
        List<Value> grads = Autodiff.standard().gradients(loss, params);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("y", y);
        outs.put("loss", loss);
        for (int i = 0; i < params.size(); i++) {
            outs.put("grad_" + i, grads.get(i));
        }
        List<Value> inputs = new ArrayList<>(params);
        inputs.addAll(g.inputs());
        Map<String, HostTensor> feeds = new LinkedHashMap<>(ParameterStore.of(g).asMap());
        feeds.put("input_ids", padded(REF.get("input_ids")));
        feeds.put("attention_mask", padded(REF.get("attention_mask")));
        feeds.put("token_type_ids", padded(REF.get("token_type_ids")));
        feeds.put("w", Fixtures.floats(REF.get("loss_weights_len16")));
        Map<String, HostTensor> r;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1))) {
            r = ex.compile(g, inputs, outs).run(feeds);
        }
        assertThat(r.get("loss").toDoubleArray()[0]).isCloseTo(REF.get("loss_value_len16").asDouble(),
                org.assertj.core.data.Offset.offset(1e-4 * Math.abs(REF.get("loss_value_len16").asDouble())));
        // the first 13 positions are PyTorch's output on the unpadded batch
        double[] out = r.get("y").toDoubleArray();
        double[] ref = Fixtures.doubles(REF.get("last_hidden_state").get("data"));
        double[] head = new double[ref.length];
        for (int b = 0; b < 3; b++) {
            System.arraycopy(out, b * 16 * 16, head, b * 13 * 16, 13 * 16);
        }
        assertThat(Fixtures.maxRelErr(head, ref)).isLessThan(1e-5);

        JsonNode expected = REF.get("gradients_opset14_len16");
        assertThat(params).hasSize(expected.size());
        // the key biases have a zero gradient in exact arithmetic (softmax over keys ignores a shift common to all
        // keys), so a tensor's scale is floored at 1e-3 of the largest gradient entry: float noise there is no error
        double overall = 0;
        for (JsonNode t : expected) {
            for (double v : Fixtures.doubles(t.get("data"))) {
                overall = Math.max(overall, Math.abs(v));
            }
        }
        double worst = 0;
        String worstName = "";
        for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            int i = params.stream().map(Value::name).toList().indexOf("bert." + name);
            assertThat(i).as("parameter bert." + name).isNotNegative();
            double[] got = r.get("grad_" + i).toDoubleArray();
            double[] want = Fixtures.doubles(expected.get(name).get("data"));
            assertThat(got).hasSize(want.length);
            double scale = 0;
            double diff = 0;
            for (int k = 0; k < want.length; k++) {
                scale = Math.max(scale, Math.abs(want[k]));
                diff = Math.max(diff, Math.abs(got[k] - want[k]));
            }
            double rel = diff / Math.max(scale, 1e-3 * overall);
            if (rel > worst) {
                worst = rel;
                worstName = name;
            }
            assertThat(rel).as("gradient of " + name + " (max |diff| / max |PyTorch|, floored)").isLessThan(1e-4);
        }
        System.out.printf("bert-tiny len16: %d gradients vs PyTorch, worst relative %.3g (%s)%n", params.size(),
                worst, worstName);
    }
}
