package io.suffice.data.xor;

import io.suffice.api.data.Batch;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class XorDataTest {

    @Test
    void cornersAreLabelledByTheProductOfSigns() {
        Batch b = new XorData(8, 0, 0, 0, 0).all();
        double[] x = b.get("x").toDoubleArray();
        double[] y = b.get("y").toDoubleArray();
        assertThat(b.get("x").shape().dims()).containsExactly(8, 2);
        for (int i = 0; i < 8; i++) {
            assertThat(Math.abs(x[2 * i])).isCloseTo(Math.sqrt(0.5), within(1e-7));
            assertThat(y[i]).isEqualTo(Math.signum(x[2 * i]) * Math.signum(x[2 * i + 1]));
        }
        assertThat(y).containsExactly(1, -1, -1, 1, 1, -1, -1, 1);
    }

    @Test
    void jitterAndNoiseDimensionsKeepNormsBoundedAndAreSeeded() {
        XorData a = new XorData(50, 0.2, 3, 0.5, 7);
        double[] x = a.all().get("x").toDoubleArray();
        assertThat(a.all().get("x").shape().dims()).containsExactly(50, 5);
        double max = 0;
        for (int i = 0; i < 50; i++) {
            double s = 0;
            for (int k = 0; k < 5; k++) {
                s += x[5 * i + k] * x[5 * i + k];
            }
            max = Math.max(max, Math.sqrt(s));
        }
        assertThat(max).isCloseTo(1, within(1e-6));
        assertThat(new XorData(50, 0.2, 3, 0.5, 7).all().get("x").toDoubleArray()).containsExactly(x);
        assertThat(new XorData(50, 0.2, 3, 0.5, 8).all().get("x").toDoubleArray()).isNotEqualTo(x);
    }
}
