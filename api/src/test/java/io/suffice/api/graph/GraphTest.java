package io.suffice.api.graph;

import io.suffice.api.nn.TransformerBlock;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Build-time shape inference and error reporting; no ONNX Runtime involved. */
class GraphTest {
    private final Graph g = new Graph(0);
    private final Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 6);

    private Value param(long... dims) {
        return g.parameter("p" + g.values().size(), Shape.of(dims), Init.zeros());
    }

    @Test
    void broadcastingWithASymbolicBatch() {
        assertThat(g.add(x, param(6)).shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 6));
        assertThat(g.mul(param(2, 1, 6), param(3, 1)).shape()).isEqualTo(Shape.of(2, 3, 6));
        assertThat(g.greater(x, g.scalar(0, DType.FLOAT32)).dtype()).isEqualTo(DType.BOOL);
    }

    @Test
    void matMulAndGemmShapes() {
        assertThat(g.matMul(x, param(6, 4)).shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 4));
        assertThat(g.matMul(param(5, 2, 3), param(3, 7)).shape()).isEqualTo(Shape.of(5, 2, 7));
        assertThat(g.matMul(param(3), param(3, 7)).shape()).isEqualTo(Shape.of(7));
        assertThat(g.gemm(x, param(4, 6), param(4), 1, 1, false, true).shape())
                .isEqualTo(Shape.of(Shape.DYNAMIC, 4));
    }

    @Test
    void reshapeInfersMinusOneAndCopiesZeros() {
        Value t = param(2, 3, 4);
        assertThat(g.reshape(t, 0, -1).shape()).isEqualTo(Shape.of(2, 12));
        assertThat(g.reshape(t, -1).shape()).isEqualTo(Shape.of(24));
        assertThat(g.reshape(x, 0, 2, 3).shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 2, 3));
        assertThat(g.reshape(x, -1, 3).shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 3));
        assertThatThrownBy(() -> g.reshape(t, 5, -1)).hasMessageContaining("Reshape: cannot reshape");
    }

    @Test
    void reductionsSlicesAndFriends() {
        Value t = param(2, 3, 4);
        assertThat(g.reduceSum(t, false, 1).shape()).isEqualTo(Shape.of(2, 4));
        assertThat(g.reduceMean(t, true, -1, 0).shape()).isEqualTo(Shape.of(1, 3, 1));
        assertThat(g.reduceMax(t, false).shape()).isEqualTo(Shape.scalar());
        assertThat(g.slice(t, new long[]{1, -2}, new long[]{100, 4}, new long[]{1, 2}, null).shape())
                .isEqualTo(Shape.of(2, 2, 2));
        assertThat(g.slice(t, new long[]{-1}, new long[]{Long.MIN_VALUE}, new long[]{2}, new long[]{-1}).shape())
                .isEqualTo(Shape.of(2, 3, 4));
        assertThat(g.transpose(t).shape()).isEqualTo(Shape.of(4, 3, 2));
        assertThat(g.unsqueeze(t, 0, -1).shape()).isEqualTo(Shape.of(1, 2, 3, 4, 1));
        assertThat(g.squeeze(param(2, 1, 3), 1).shape()).isEqualTo(Shape.of(2, 3));
        assertThat(g.concat(1, t, param(2, 5, 4)).shape()).isEqualTo(Shape.of(2, 8, 4));
        Value ids = g.constant(HostTensor.of(new long[]{0, 1, 2, 0, 1, 2}, 2, 3));
        assertThat(g.gather(param(10, 5), ids, 0).shape()).isEqualTo(Shape.of(2, 3, 5));
        assertThat(g.pad(t, 1, 0, 0, 0, 2, 0).shape()).isEqualTo(Shape.of(3, 5, 4));
        assertThat(g.cast(t, DType.FLOAT64).dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void errorsNameTheOpTheInputsAndTheUsersLine() {
        Value w = g.parameter("w", Shape.of(5, 2), Init.zeros());
        assertThatThrownBy(() -> g.matMul(x, w))
                .isInstanceOf(GraphBuildException.class)
                .hasMessageStartingWith("MatMul: inner dimensions differ (6 vs 5); inputs x:FLOAT32[N, 6], "
                        + "w:FLOAT32[5, 2]; created at io.suffice.api.graph.GraphTest.lambda$");
        assertThatThrownBy(() -> g.add(x, g.scalar(1, DType.FLOAT64)))
                .hasMessageContaining("Add: dtypes differ (FLOAT32 vs FLOAT64)");
        assertThatThrownBy(() -> g.softmax(x, 2)).hasMessageContaining("Softmax: axis 2 out of range for rank 2");
        assertThatThrownBy(() -> g.input("x", DType.FLOAT32, 1)).hasMessageContaining("'x' is already used");
        assertThatThrownBy(() -> g.squeeze(x, 1)).hasMessageContaining("Squeeze: dimension 1 is not 1");
    }

    @Test
    void errorsInsideLayersPointAtTheCallerNotTheLayer() {
        Value seq = g.input("seq", DType.FLOAT32, 2, 3, 8);
        TransformerBlock block = new TransformerBlock(g, "block", 6, 2, DType.FLOAT32);
        assertThatThrownBy(() -> block.apply(seq, null))
                .hasMessageContaining("LayerNormalization: scale and bias must have shape [8]")
                .hasMessageContaining("created at io.suffice.api.graph.GraphTest.lambda$errorsInsideLayers");
    }

    @Test
    void parametersAreSeededByNameNotOrder() {
        Graph a = new Graph(5);
        Value a1 = a.parameter("one", Shape.of(3), Init.normal(1));
        a.parameter("two", Shape.of(3), Init.normal(1));
        Graph b = new Graph(5);
        b.parameter("two", Shape.of(3), Init.normal(1));
        Value b1 = b.parameter("one", Shape.of(3), Init.normal(1));
        assertThat(b1.data().toDoubleArray()).containsExactly(a1.data().toDoubleArray());
        assertThat(ParameterStore.of(a).names()).containsExactly("one", "two");
    }
}
