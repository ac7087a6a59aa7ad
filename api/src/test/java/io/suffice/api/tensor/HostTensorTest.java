package io.suffice.api.tensor;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class HostTensorTest {
    @Test
    void holdsRowMajorValuesInADirectBuffer() {
        HostTensor t = HostTensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3);
        assertThat(t.shape()).isEqualTo(Shape.of(2, 3));
        assertThat(t.buffer().isDirect()).isTrue();
        assertThat(t.floats().get(1 * 3 + 2)).isEqualTo(6f);
        assertThat(t.toDoubleArray()).containsExactly(1, 2, 3, 4, 5, 6);
    }

    @Test
    void viewsShareMemoryAndCopiesDoNot() {
        HostTensor t = HostTensor.of(new double[]{1, 2}, 2);
        t.doubles().put(0, 9);
        HostTensor c = t.copy();
        t.doubles().put(1, 7);
        assertThat(t.toDoubleArray()).containsExactly(9, 7);
        assertThat(c.toDoubleArray()).containsExactly(9, 2);
    }

    @Test
    void rejectsMismatchesWithTheShapeInTheMessage() {
        assertThatThrownBy(() -> HostTensor.of(new float[5], 2, 3)).hasMessage("5 values do not fill shape [2, 3]");
        assertThatThrownBy(() -> HostTensor.of(new float[2], 2).doubles())
                .hasMessage("tensor is FLOAT32[2], not FLOAT64");
        assertThatThrownBy(() -> HostTensor.zeros(DType.FLOAT32, Shape.of(Shape.DYNAMIC, 3)))
                .hasMessage("host tensors need a static shape, got [N, 3]");
        assertThatThrownBy(() -> HostTensor.wrap(DType.FLOAT32, Shape.of(2), ByteBuffer.allocate(8)))
                .hasMessageContaining("direct");
    }

    @Test
    void shapeArithmetic() {
        Shape s = Shape.of(Shape.DYNAMIC, 4);
        assertThat(s.isStatic()).isFalse();
        assertThat(s.dim(-1)).isEqualTo(4);
        assertThat(s.withDim(0, 3).size()).isEqualTo(12);
        assertThat(Shape.scalar().size()).isEqualTo(1);
        assertThatThrownBy(s::size).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Shape.of(2, -3)).hasMessageContaining("negative dimension");
    }
}
