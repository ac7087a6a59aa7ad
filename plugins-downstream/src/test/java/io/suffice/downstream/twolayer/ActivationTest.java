package io.suffice.downstream.twolayer;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class ActivationTest {

    static Stream<Activation> all() {
        return Activation.NAMES.stream().map(n -> Activation.of(n, 0.25, 0.5));
    }

    static Stream<Activation> smooth() {
        return all().filter(a -> Double.isFinite(a.curvatureBound()));
    }

    private static final double[] GRID = grid();

    private static double[] grid() {
        double[] g = new double[4001];
        for (int i = 0; i < g.length; i++) {
            g[i] = -20 + 40.0 * i / (g.length - 1);
        }
        return g;
    }

    @ParameterizedTest
    @MethodSource("all")
    void derivativeMatchesCentralDifferences(Activation a) {
        double h = 1e-5;
        for (double z : GRID) {
            if (!Double.isFinite(a.curvatureBound()) && Math.abs(z) < 2 * h) {
                continue; // the kink of (leaky) ReLU
            }
            double fd = (a.value(z + h) - a.value(z - h)) / (2 * h);
            // across a jump of phi'' (Huberized ReLU at 0 and h) the difference quotient is off by up to h * beta
            double tolerance = 1e-8 + (a instanceof LeakyHuberizedRelu ? h * a.curvatureBound() : 0);
            assertThat(a.derivative(z)).as("%s'(%s)", a, z).isCloseTo(fd, within(tolerance));
        }
    }

    @ParameterizedTest
    @MethodSource("smooth")
    void secondDerivativeMatchesCentralDifferences(Activation a) {
        double h = 1e-5;
        for (double z : GRID) {
            if (a instanceof LeakyHuberizedRelu hr && (Math.abs(z) < 2 * h || Math.abs(z - hr.h()) < 2 * h)) {
                continue; // phi'' jumps at 0 and h
            }
            double fd = (a.derivative(z + h) - a.derivative(z - h)) / (2 * h);
            assertThat(a.secondDerivative(z)).as("%s''(%s)", a, z).isCloseTo(fd, within(1e-6));
        }
    }

    /** The declared constants hold on a fine grid and are attained (tight to 1e-3). */
    @ParameterizedTest
    @MethodSource("all")
    void nearHomogeneityConstantsHoldAndAreTight(Activation a) {
        double maxSlope = 0;
        double minSlope = Double.POSITIVE_INFINITY;
        double maxKappa = 0;
        double maxCurv = 0;
        for (int i = -200000; i <= 200000; i++) {
            double z = i * 1e-4;
            double d = a.derivative(z);
            maxSlope = Math.max(maxSlope, Math.abs(d));
            minSlope = Math.min(minSlope, d);
            maxKappa = Math.max(maxKappa, Math.abs(a.value(z) - z * d));
            maxCurv = Math.max(maxCurv, Math.abs(a.secondDerivative(z)));
        }
        assertThat(maxSlope).isLessThanOrEqualTo(a.derivativeBound() + 1e-12).isGreaterThan(a.derivativeBound() - 1e-3);
        assertThat(minSlope).isGreaterThanOrEqualTo(a.leakiness() - 1e-12).isLessThan(a.leakiness() + 1e-3);
        assertThat(maxKappa).isLessThanOrEqualTo(a.kappa() + 1e-12).isGreaterThan(a.kappa() - 1e-3);
        if (Double.isFinite(a.curvatureBound())) {
            assertThat(maxCurv).isLessThanOrEqualTo(a.curvatureBound() + 1e-12)
                    .isGreaterThan(a.curvatureBound() - 1e-3);
        }
    }

    @ParameterizedTest
    @MethodSource("all")
    void staysFiniteForHugeInputs(Activation a) {
        for (double z : new double[]{-1e300, -1e9, 1e9, 1e300}) {
            assertThat(a.value(z)).isFinite();
            assertThat(a.derivative(z)).isFinite();
            assertThat(a.secondDerivative(z)).isFinite();
        }
    }

    @Test
    void leakyFormsAreConvexCombinationsWithTheIdentity() {
        List<String> bases = List.of("softplus", "gelu", "silu", "huber-relu", "relu");
        for (String base : bases) {
            Activation plain = Activation.of(base, 0.3, 0.7);
            Activation leaky = Activation.of("leaky-" + base, 0.3, 0.7);
            for (double z = -5; z <= 5; z += 0.1) {
                assertThat(leaky.value(z)).isCloseTo(0.3 * z + 0.7 * plain.value(z), within(1e-12));
            }
        }
        assertThat(Activation.of("softplus", 0.3, 1).value(0)).isCloseTo(Math.log(2), within(1e-15));
        assertThat(Activation.of("gelu", 0, 1).value(1)).isCloseTo(0.8413447460685429, within(1e-15));
        assertThat(Activation.of("huber-relu", 0, 2).value(1)).isEqualTo(0.25);
        assertThat(Activation.of("huber-relu", 0, 2).value(3)).isEqualTo(2);
    }

    @Test
    void rejectsUnknownNamesAndBadLeakiness() {
        assertThatThrownBy(() -> Activation.of("tanh", 0.1, 1)).hasMessageContaining("unknown activation 'tanh'")
                .hasMessageContaining("leaky-softplus");
        assertThatThrownBy(() -> Activation.of("leaky-softplus", 0, 1)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> Activation.of("leaky-identity", 0.5, 1)).hasMessageContaining("unknown");
        assertThatThrownBy(() -> Activation.of("huber-relu", 0, -1)).hasMessageContaining("threshold");
    }
}
