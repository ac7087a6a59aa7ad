package io.suffice.downstream.twolayer;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.data.Offset.offset;

class ErfTest {

    /** Reference values from CPython's math.erf / math.erfc (correctly rounded to a few ulps). */
    @Test
    void matchesReferenceValues() {
        assertThat(Erf.erf(0.5)).isCloseTo(0.5204998778130465, offset(2e-16));
        assertThat(Erf.erf(1)).isCloseTo(0.8427007929497149, offset(2e-16));
        assertThat(Erf.erf(2.5)).isCloseTo(0.999593047982555, offset(2e-16));
        assertThat(Erf.erf(1e-3)).isCloseTo(0.0011283787909692365, offset(1e-19));
        assertThat(Erf.erfc(-1)).isCloseTo(1.842700792949715, offset(4e-16));
        assertThat(Erf.erfc(3) / 2.2090496998585438e-05).isCloseTo(1, within(1e-14));
        assertThat(Erf.erfc(5) / 1.5374597944280351e-12).isCloseTo(1, within(1e-14));
        assertThat(Erf.erfc(10) / 2.088487583762545e-45).isCloseTo(1, within(1e-14));
    }

    @Test
    void isOddAndSaturates() {
        for (double x = -6; x <= 6; x += 0.37) {
            assertThat(Erf.erf(-x)).isEqualTo(-Erf.erf(x));
            assertThat(Erf.erf(x) + Erf.erfc(x)).isCloseTo(1, offset(1e-15));
        }
        assertThat(Erf.erf(40)).isEqualTo(1);
        assertThat(Erf.erfc(40)).isZero();
        assertThat(Erf.erfc(-40)).isEqualTo(2);
    }

    @Test
    void isContinuousAcrossTheMethodSwitch() {
        assertThat(Erf.erf(Math.nextDown(2.0))).isCloseTo(Erf.erf(2.0), offset(1e-15));
        assertThat(Erf.erfc(Math.nextDown(2.0)) / Erf.erfc(2.0)).isCloseTo(1, within(1e-12));
    }

    /** NaN in, NaN out (not 0, and not the value of some branch). */
    @Test
    void nanPropagates() {
        assertThat(Erf.erf(Double.NaN)).isNaN();
        assertThat(Erf.erfc(Double.NaN)).isNaN();
    }
}
