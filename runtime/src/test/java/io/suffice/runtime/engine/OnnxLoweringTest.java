package io.suffice.runtime.engine;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * What {@link OnnxLowering} writes, beyond "it runs":
 * <ul>
 *   <li>an Expand whose every consumer is a broadcasting elementwise op that yields the same shape from the
 *       unexpanded input is elided, together with the Shape node that sized it; it is kept when it is a requested
 *       output, when a consumer does not broadcast, or when broadcasting the unexpanded input would change a
 *       consumer's shape; eliding never changes a value;</li>
 *   <li>symbolic dims are named: an input's leading one is the shared batch ({@link OnnxLowering#BATCH_DIM}), its later ones are its own
 *       ({@code <input>_d<i>}), and a computed output's are distinct per output;</li>
 *   <li>attributes keep their ONNX types (INT, FLOAT, STRING, INTS, FLOATS, TENSOR).</li>
 * </ul>
 */
class OnnxLoweringTest {

    private static List<String> ops(Map<String, Value> outputs, List<Value> inputs) {
        return OnnxLowering.opTypes(OnnxLowering.lower("m", inputs, outputs, Map.of()));
    }

    private static HostTensor x34() {
        return HostTensor.of(new double[]{1, -2, 3, 0.5, 2, 2, -1, 4, 0, 1, 1, -3}, 3, 4);
    }

    private static double[] run(Map<String, Value> outputs, Value x, HostTensor feed, String out) {
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(x.graph(), List.of(x), outputs)) {
            return e.run(Map.of(x.name(), feed)).get(out).toDoubleArray();
        }
    }

    @Test
    void anExpandFeedingOnlyBroadcastingOpsIsElidedWithItsShapeNode() {
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT64, 3, 4);
        Value r = g.reduceSum(x, true, 1);
        Value y = g.mul(g.expandLike(r, x), x);
        List<String> ops = ops(Map.of("y", y), List.of(x));
        assertThat(ops).doesNotContain("Expand", "Shape").contains("ReduceSum", "Mul");
        // same values as the expanded product: y[i][j] = rowsum_i * x[i][j]
        double[] got = run(Map.of("y", y), x, x34(), "y");
        double[] v = x34().toDoubleArray();
        for (int i = 0; i < 3; i++) {
            double s = v[4 * i] + v[4 * i + 1] + v[4 * i + 2] + v[4 * i + 3];
            for (int j = 0; j < 4; j++) {
                assertThat(got[4 * i + j]).isCloseTo(s * v[4 * i + j], within(1e-12));
            }
        }
    }

    @Test
    void anElidedExpandTakesItsOwnLeavesWithIt() {
        // the Expand was sized by a constant that nothing else reads: once the Expand is gone, so is the constant
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT64, 3, 4);
        Value like = g.constant(HostTensor.zeros(DType.FLOAT64, Shape.of(3, 4)));
        Value y = g.mul(g.expandLike(g.reduceSum(x, true, 1), like), x);
        OnnxMl.ModelProto m = OnnxLowering.lower("m", List.of(x), Map.of("y", y), Map.of());
        assertThat(OnnxLowering.opTypes(m)).doesNotContain("Expand", "Shape");
        java.util.Set<String> read = new java.util.HashSet<>();
        m.getGraph().getNodeList().forEach(n -> read.addAll(n.getInputList()));
        assertThat(m.getGraph().getInitializerList()).extracting(OnnxMl.TensorProto::getName)
                .allMatch(read::contains).doesNotContain(like.name());
    }

    @Test
    void symbolicExpandsAreElidedToo() {
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT64, Shape.of(Shape.DYNAMIC, 4));
        Value m = g.reduceMean(x, true, 1);
        Value y = g.sub(x, g.expandLike(m, x));
        assertThat(ops(Map.of("y", y), List.of(x))).doesNotContain("Expand", "Shape");
        double[] got = run(Map.of("y", y), x, x34(), "y");
        assertThat(got[0] + got[1] + got[2] + got[3]).isCloseTo(0, within(1e-12));
    }

    @Test
    void anExpandIsKeptWhenItIsAnOutputOrAConsumerNeedsItsShape() {
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT64, 3, 4);
        Value r = g.reduceSum(x, true, 1);
        Value e = g.expandLike(r, x);
        // requested output
        assertThat(ops(Map.of("e", e, "y", g.mul(e, x)), List.of(x))).contains("Expand");
        // a consumer that does not broadcast
        assertThat(ops(Map.of("y", g.exp(e)), List.of(x))).contains("Expand");
        // mixed consumers: one broadcasting, one not
        assertThat(ops(Map.of("y", g.add(g.exp(e), g.mul(e, x))), List.of(x))).contains("Expand");
        // broadcasting the unexpanded [3, 1] with another [3, 1] would give [3, 1], not [3, 4]
        Value y = g.add(e, g.reduceMax(x, true, 1));
        assertThat(ops(Map.of("y", y), List.of(x))).contains("Expand");
        double[] got = run(Map.of("y", y), x, x34(), "y");
        assertThat(got).hasSize(12);
    }

    @Test
    void symbolicDimsAreNamedBatchFirstThenPerInputAndPerOutput() {
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT32, Shape.of(Shape.DYNAMIC, Shape.DYNAMIC, 4));
        Value y = g.relu(x);
        OnnxMl.ModelProto m = OnnxLowering.lower("m", List.of(x), Map.of("y", y), Map.of());
        OnnxMl.TensorShapeProto in = m.getGraph().getInput(0).getType().getTensorType().getShape();
        assertThat(in.getDim(0).getDimParam()).isEqualTo(OnnxLowering.BATCH_DIM);
        assertThat(in.getDim(1).getDimParam()).isEqualTo("x_d1");
        assertThat(in.getDim(2).getDimValue()).isEqualTo(4);
        OnnxMl.TensorShapeProto out = m.getGraph().getOutput(0).getType().getTensorType().getShape();
        assertThat(out.getDim(0).getDimParam()).isEqualTo(OnnxLowering.BATCH_DIM + "_y_0");
        assertThat(out.getDim(1).getDimParam()).isEqualTo(OnnxLowering.BATCH_DIM + "_y_1");
        assertThat(out.getDim(2).getDimValue()).isEqualTo(4);
        assertThat(m.getGraph().getOutput(0).getType().getTensorType().getElemType())
                .isEqualTo(OnnxMl.TensorProto.DataType.FLOAT_VALUE);
    }

    @Test
    void attributesKeepTheirOnnxTypes() {
        OnnxMl.AttributeProto i = OnnxLowering.attribute("i", 3L);
        assertThat(i.getType()).isEqualTo(OnnxMl.AttributeProto.AttributeType.INT);
        assertThat(i.getI()).isEqualTo(3);
        OnnxMl.AttributeProto f = OnnxLowering.attribute("f", 0.25);
        assertThat(f.getType()).isEqualTo(OnnxMl.AttributeProto.AttributeType.FLOAT);
        assertThat(f.getF()).isEqualTo(0.25f);
        assertThat(OnnxLowering.attribute("s", "tanh").getS().toStringUtf8()).isEqualTo("tanh");
        OnnxMl.AttributeProto ints = OnnxLowering.attribute("a", new long[]{1, -1});
        assertThat(ints.getType()).isEqualTo(OnnxMl.AttributeProto.AttributeType.INTS);
        assertThat(ints.getIntsList()).containsExactly(1L, -1L);
        OnnxMl.AttributeProto floats = OnnxLowering.attribute("b", new double[]{0.5, 2});
        assertThat(floats.getType()).isEqualTo(OnnxMl.AttributeProto.AttributeType.FLOATS);
        assertThat(floats.getFloatsList()).containsExactly(0.5f, 2f);
        OnnxMl.AttributeProto t = OnnxLowering.attribute("value", HostTensor.of(new long[]{7, 8}, 2));
        assertThat(t.getType()).isEqualTo(OnnxMl.AttributeProto.AttributeType.TENSOR);
        assertThat(t.getT().getDimsList()).containsExactly(2L);
        assertThat(t.getT().getDataType()).isEqualTo(OnnxMl.TensorProto.DataType.INT64_VALUE);
        assertThatThrownBy(() -> OnnxLowering.attribute("x", new Object())).hasMessageContaining("unsupported type");
    }

    @Test
    void outputNamesMayNotClashWithGeneratedNames() {
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT32, 2);
        Value y = g.relu(x);
        assertThatThrownBy(() -> OnnxLowering.lower("m", List.of(x), Map.of(Graph.GENERATED_PREFIX + "9", y),
                Map.of())).hasMessageContaining("clashes");
        assertThatThrownBy(() -> OnnxLowering.lower("m", List.of(x), Map.of("x", y), Map.of()))
                .hasMessageContaining("clashes");
    }
}
