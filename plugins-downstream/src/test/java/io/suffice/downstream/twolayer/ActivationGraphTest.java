package io.suffice.downstream.twolayer;

import io.suffice.api.tensor.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.List;

import static io.suffice.downstream.twolayer.GraphProbe.concat;
import static io.suffice.downstream.twolayer.GraphProbe.linspace;
import static io.suffice.downstream.twolayer.GraphProbe.relative;
import static org.assertj.core.api.Assertions.assertThat;

/** Every activation's float64 graph form against its plain-Java value and derivative. */
class ActivationGraphTest {
    static final List<String> NAMES = Activation.NAMES;

    @ParameterizedTest
    @FieldSource("NAMES")
    void graphFormMatchesValueAndDerivative(String name) {
        Activation phi = Activation.of(name, 0.3, 0.5);
        double[] z = concat(linspace(-40, 40, 8001), new double[]{0, 1e-12, -1e-12, 0.5, 1e3, -1e3, 1e8, -1e8,
                1e150, -1e150});
        GraphProbe.Result r = GraphProbe.run(phi::apply, z);
        double worst = 0;
        double worstDerivative = 0;
        for (int i = 0; i < z.length; i++) {
            assertThat(r.values()[i]).as("%s(%s)", name, z[i]).isFinite();
            assertThat(r.derivatives()[i]).as("%s'(%s)", name, z[i]).isFinite();
            worst = Math.max(worst, relative(r.values()[i], phi.value(z[i]), 1));
            worstDerivative = Math.max(worstDerivative, relative(r.derivatives()[i], phi.derivative(z[i]), 1));
        }
        System.out.printf("%s: worst value error %.2e, derivative %.2e (relative, absolute below 1)%n", name, worst,
                worstDerivative);
        assertThat(worst).as(name).isLessThan(1e-15);
        assertThat(worstDerivative).as(name).isLessThan(1e-14);
    }

    @ParameterizedTest
    @FieldSource("NAMES")
    void float32FormMatchesToFloat32Accuracy(String name) {
        Activation phi = Activation.of(name, 0.3, 0.5);
        double[] z = concat(linspace(-20, 20, 4001), new double[]{0, 0.5, 1e3, -1e3});
        GraphProbe.Result r = GraphProbe.run(phi::apply, z, DType.FLOAT32);
        double worst = 0;
        double worstDerivative = 0;
        for (int i = 0; i < z.length; i++) {
            double zf = (float) z[i];
            worst = Math.max(worst, relative(r.values()[i], phi.value(zf), 1));
            worstDerivative = Math.max(worstDerivative, relative(r.derivatives()[i], phi.derivative(zf), 1));
        }
        System.out.printf("%s float32: worst value error %.2e, derivative %.2e%n", name, worst, worstDerivative);
        assertThat(worst).as(name).isLessThan(1e-5); // seen: at most 1.5e-6 (silu, MLAS float32 logistic)
        assertThat(worstDerivative).as(name).isLessThan(1e-5);
    }
}
