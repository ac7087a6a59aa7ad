package io.suffice.api.tensor;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ShapeTest {
    @Test
    void sizeOfARangeOfDimensions() {
        Shape s = Shape.of(2, 3, 4);
        assertThat(s.size(0, 2)).isEqualTo(6);
        assertThat(s.size(1, 3)).isEqualTo(12);
        assertThat(s.size(1, 1)).isEqualTo(1);
        assertThat(Shape.of(Shape.DYNAMIC, 3, 4).size(0, 2)).isEqualTo(Shape.DYNAMIC);
        assertThat(Shape.of(Shape.DYNAMIC, 3, 4).size(1, 3)).isEqualTo(12);
    }

    @Test
    void aRangeWhoseProductPasses64BitsIsNamed() {
        Shape huge = Shape.of(1L << 40, 1L << 40, 2);
        assertThatThrownBy(() -> huge.size(0, 2)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dimensions 0..1 of").hasMessageContaining("multiply past 64 bits");
    }
}
