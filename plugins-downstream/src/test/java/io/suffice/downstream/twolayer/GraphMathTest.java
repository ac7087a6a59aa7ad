package io.suffice.downstream.twolayer;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.MathContext;

import static io.suffice.downstream.twolayer.GraphProbe.concat;
import static io.suffice.downstream.twolayer.GraphProbe.linspace;
import static io.suffice.downstream.twolayer.GraphProbe.relative;
import static io.suffice.downstream.twolayer.GraphProbe.ulps;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float64 special functions built from ONNX Runtime operators, against the plain-Java references (Math.log1p,
 * {@link Activation#softplus}, {@link Activation#sigmoid}, {@link Erf}): values and the derivatives autodiff forms.
 */
class GraphMathTest {

    private static final double[] EXTREMES = {0, 1e-300, -1e-300, 1e-20, -1e-20, 1e5, -1e5, 1e150, -1e150, 1e300,
            -1e300};

    private static double[] logspace(double fromExp, double toExp, int count) {
        double[] e = linspace(fromExp, toExp, count);
        for (int i = 0; i < count; i++) {
            e[i] = Math.pow(10, e[i]);
        }
        return e;
    }

    private static final MathContext MC = new MathContext(90);
    private static final BigDecimal TWO_OVER_SQRT_PI = new BigDecimal(2).divide(new BigDecimal(
            "3.14159265358979323846264338327950288419716939937510582097494459230781640628620899862803482534211706798")
            .sqrt(MC), MC);

    /**
     * The reference erfc: for {@code |x| <= 6} from the Taylor series {@code erf(x) = 2/sqrt(pi) sum_n (-1)^n
     * x^(2n+1) / (n! (2n+1))} in 90-digit decimal arithmetic (the cancellation in {@code 1 - erf} then costs nothing);
     * beyond, {@link Erf#erfc} (its continued fraction) with the rounding of {@code x*x} inside its
     * {@code exp(-x*x)} undone to first order by an FMA (that rounding alone costs up to 7e-14 at x = 26).
     */
    static double erfcReference(double x) {
        if (Math.abs(x) <= 6) {
            BigDecimal bx = new BigDecimal(x);
            BigDecimal x2 = bx.multiply(bx, MC);
            BigDecimal term = bx; // (-1)^n x^(2n+1) / n!
            BigDecimal sum = BigDecimal.ZERO;
            for (int n = 0; n < 400; n++) {
                BigDecimal add = term.divide(new BigDecimal(2 * n + 1), MC);
                sum = sum.add(add, MC);
                if (n > 10 && add.abs().compareTo(new BigDecimal("1e-60")) < 0) {
                    break;
                }
                term = term.multiply(x2, MC).divide(new BigDecimal(-(n + 1)), MC);
            }
            return BigDecimal.ONE.subtract(TWO_OVER_SQRT_PI.multiply(sum, MC), MC).doubleValue();
        }
        double e = Erf.erfc(x);
        if (x < 0) {
            return e;
        }
        double lo = Math.fma(x, x, -(x * x));
        return e * (1 - lo);
    }

    @Test
    void referenceErfcIsConsistentWhereBothRoutesApply() {
        for (double x : new double[]{4, 5, 5.5, 6}) {
            assertThat(relative(erfcReference(Math.nextUp(6.0) * x / 6), erfcReference(x * Math.nextUp(6.0) / 6), 0))
                    .isZero();
            double cf = Erf.erfc(x) * (1 - Math.fma(x, x, -(x * x)));
            assertThat(relative(cf, erfcReference(x), 0)).as("x = %s", x).isLessThan(1e-15);
        }
    }

    @Test
    void log1pIsExactToAFewUlpsFromSubnormalsToOne() {
        double[] u = concat(logspace(-320, 0, 641), new double[]{0x1p-53, 0x1p-52, 0x1.8p-53, 3e-16, 0.999, 1});
        GraphProbe.Result r = GraphProbe.run(GraphMath::log1p, u);
        double worst = 0;
        double worstDerivative = 0;
        for (int i = 0; i < u.length; i++) {
            worst = Math.max(worst, ulps(r.values()[i], Math.log1p(u[i])));
            worstDerivative = Math.max(worstDerivative, relative(r.derivatives()[i], 1 / (1 + u[i]), 0));
        }
        System.out.printf("log1p: worst %.2f ulps, derivative %.2e relative%n", worst, worstDerivative);
        assertThat(worst).isLessThanOrEqualTo(2);
        assertThat(worstDerivative).isLessThan(4e-16);
    }

    @Test
    void softplusAndItsDerivativeKeepFullRelativeAccuracyInTheTails() {
        double[] z = concat(linspace(-744, 40, 7841), linspace(-5, 5, 1001), EXTREMES);
        GraphProbe.Result r = GraphProbe.run(GraphMath::softplus, z);
        double worst = 0;
        double worstDerivative = 0;
        for (int i = 0; i < z.length; i++) {
            double expected = Activation.softplus(z[i]);
            assertThat(r.values()[i]).as("softplus(%s)", z[i]).isFinite();
            assertThat(r.derivatives()[i]).as("softplus'(%s)", z[i]).isFinite();
            if (expected >= Double.MIN_NORMAL) {
                worst = Math.max(worst, ulps(r.values()[i], expected));
            } else {
                assertThat(Math.abs(r.values()[i] - expected)).as("softplus(%s)", z[i]).isLessThanOrEqualTo(
                        4 * Double.MIN_VALUE);
            }
            double sigmoid = Activation.sigmoid(z[i]);
            if (sigmoid >= Double.MIN_NORMAL) {
                worstDerivative = Math.max(worstDerivative, ulps(r.derivatives()[i], sigmoid));
            }
        }
        System.out.printf("softplus: worst %.2f ulps, derivative %.2f ulps%n", worst, worstDerivative);
        assertThat(worst).isLessThanOrEqualTo(4);
        assertThat(worstDerivative).isLessThanOrEqualTo(4);
        // the logistic risk of a margin of 690 is e^-690 ~ 2.3e-300, resolved to the last digits
        GraphProbe.Result tail = GraphProbe.run(GraphMath::softplus, new double[]{-690, -700.5, 0});
        assertThat(ulps(tail.values()[0], Math.exp(-690))).isLessThanOrEqualTo(2);
        assertThat(ulps(tail.derivatives()[0], Math.exp(-690))).isLessThanOrEqualTo(2);
        assertThat(ulps(tail.values()[1], Math.exp(-700.5))).isLessThanOrEqualTo(2);
        assertThat(tail.derivatives()[2]).isEqualTo(0.5);
    }

    @Test
    void sigmoidKeepsFullRelativeAccuracyForNegativeArguments() {
        double[] z = concat(linspace(-744, 40, 7841), EXTREMES);
        GraphProbe.Result r = GraphProbe.run(GraphMath::sigmoid, z);
        double worst = 0;
        double worstDerivative = 0;
        for (int i = 0; i < z.length; i++) {
            double s = Activation.sigmoid(z[i]);
            assertThat(r.values()[i]).isFinite();
            assertThat(r.derivatives()[i]).isFinite();
            if (s >= Double.MIN_NORMAL) {
                worst = Math.max(worst, ulps(r.values()[i], s));
            }
            double ds = s * Activation.sigmoid(-z[i]);
            if (ds >= Double.MIN_NORMAL) {
                worstDerivative = Math.max(worstDerivative, ulps(r.derivatives()[i], ds));
            }
        }
        System.out.printf("sigmoid: worst %.2f ulps, derivative %.2f ulps%n", worst, worstDerivative);
        assertThat(worst).isLessThanOrEqualTo(3);
        assertThat(worstDerivative).isLessThanOrEqualTo(6);
        assertThat(GraphProbe.run(GraphMath::sigmoid, new double[]{0}).derivatives()[0]).isEqualTo(0.25);
    }

    @Test
    void erfcMatchesTheReferenceToAbout1e15RelativeAndItsDerivativeTheGaussian() {
        double[] x = concat(linspace(-6, 26.5, 6501), linspace(-0.5, 0.5, 1001), EXTREMES);
        GraphProbe.Result r = GraphProbe.run(GraphMath::erfc, x);
        double worst = 0;
        double worstDerivative = 0;
        for (int i = 0; i < x.length; i++) {
            assertThat(r.values()[i]).as("erfc(%s)", x[i]).isFinite();
            assertThat(r.derivatives()[i]).as("erfc'(%s)", x[i]).isFinite();
            double expected = erfcReference(x[i]);
            if (expected >= 1e-300) {
                worst = Math.max(worst, relative(r.values()[i], expected, 0));
            } else {
                assertThat(r.values()[i]).isLessThan(1e-299);
            }
            double dExpected = -2 / Math.sqrt(Math.PI) * Math.exp(-x[i] * x[i]);
            if (Math.abs(dExpected) >= 1e-300) {
                worstDerivative = Math.max(worstDerivative, relative(r.derivatives()[i], dExpected, 0));
            }
        }
        System.out.printf("erfc: worst %.2e relative, derivative %.2e relative%n", worst, worstDerivative);
        assertThat(worst).isLessThan(3e-15);
        assertThat(worstDerivative).isLessThan(1e-13);
    }

    @Test
    void normalCdfMatchesTheReference() {
        double[] z = concat(linspace(-37, 10, 4701), EXTREMES);
        GraphProbe.Result r = GraphProbe.run(GraphMath::normalCdf, z);
        double worst = 0;
        for (int i = 0; i < z.length; i++) {
            assertThat(r.values()[i]).isFinite();
            assertThat(r.derivatives()[i]).isFinite();
            double expected = 0.5 * erfcReference(-z[i] / Math.sqrt(2));
            if (expected >= 1e-300) {
                worst = Math.max(worst, relative(r.values()[i], expected, 0));
            }
        }
        System.out.printf("normal cdf: worst %.2e relative%n", worst);
        assertThat(worst).isLessThan(3e-15);
    }
}
