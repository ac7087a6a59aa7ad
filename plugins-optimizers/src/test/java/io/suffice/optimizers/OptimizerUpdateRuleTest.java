package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Each update rule against steps computed by hand (numbers in the comments). */
class OptimizerUpdateRuleTest {

    private static double[] step(Optimizer o, double[] w, double[] g, long t, double loss) {
        HostTensor wt = HostTensor.of(w, w.length);
        o.step(List.of(wt), List.of(HostTensor.of(g, g.length)), new StepInfo(t, 100, loss));
        return wt.toDoubleArray();
    }

    @Test
    void gradientDescentAppliesHugeStepsizesAsGiven() {
        Optimizer gd = new GradientDescentProvider().create(TestConfigs.of(new GradientDescentProvider(),
                Map.of("stepsize", 1000.0)));
        // [1, 2] - 1000 * [0.5, -1] = [-499, 1002]
        assertThat(step(gd, new double[]{1, 2}, new double[]{0.5, -1}, 0, 1)).containsExactly(-499, 1002);
    }

    @Test
    void clippingRescalesTheGlobalNormAcrossParameters() {
        Optimizer gd = new GradientDescent(1, new UpdateOptions(new ConstantSchedule(), 1));
        HostTensor a = HostTensor.of(new double[]{0}, 1);
        HostTensor b = HostTensor.of(new float[]{0}, 1);
        // global norm of (3, 4) is 5 > 1: gradient scaled by 1/5
        gd.step(List.of(a, b), List.of(HostTensor.of(new double[]{3}, 1), HostTensor.of(new float[]{4}, 1)),
                new StepInfo(0, 1, 1));
        assertThat(a.toDoubleArray()[0]).isCloseTo(-0.6, within(1e-15));
        assertThat(b.toDoubleArray()[0]).isCloseTo(-0.8, within(1e-7));
        // below the threshold: unchanged gradient
        assertThat(step(gd, new double[]{0}, new double[]{0.5}, 0, 1)).containsExactly(-0.5);
    }

    @Test
    void heavyBallMomentum() {
        Optimizer o = new Momentum(0.1, 0.9, false, UpdateOptions.NONE);
        // v1 = 1, w1 = -0.1; v2 = 0.9 + 1 = 1.9, w2 = -0.1 - 0.19 = -0.29
        double[] w = step(o, new double[]{0}, new double[]{1}, 0, 1);
        assertThat(w[0]).isCloseTo(-0.1, within(1e-15));
        assertThat(step(o, w, new double[]{1}, 1, 1)[0]).isCloseTo(-0.29, within(1e-15));
    }

    @Test
    void nesterovMomentum() {
        Optimizer o = new Momentum(0.1, 0.9, true, UpdateOptions.NONE);
        // v1 = 1, w1 = -0.1 (1 + 0.9) = -0.19; v2 = 1.9, w2 = -0.19 - 0.1 (1 + 0.9 * 1.9) = -0.461
        double[] w = step(o, new double[]{0}, new double[]{1}, 0, 1);
        assertThat(w[0]).isCloseTo(-0.19, within(1e-15));
        assertThat(step(o, w, new double[]{1}, 1, 1)[0]).isCloseTo(-0.461, within(1e-15));
    }

    @Test
    void adamWithBiasCorrection() {
        Optimizer o = new Adam(0.1, 0.9, 0.999, 1e-8, 0, false, UpdateOptions.NONE);
        // k=1: mh = g, vh = g^2: w = 1 - 0.1 * 2 / (2 + 1e-8) = 0.9000000005
        double[] w = step(o, new double[]{1}, new double[]{2}, 0, 1);
        assertThat(w[0]).isCloseTo(0.9000000005, within(1e-15));
        // k=2, g=-1: m = 0.08, v = 0.004996, mh = 0.08/0.19, vh = 0.004996/0.001999 -> 0.8733662967024315
        assertThat(step(o, w, new double[]{-1}, 1, 1)[0]).isCloseTo(0.8733662967024315, within(1e-14));
    }

    @Test
    void adamCoupledWeightDecayEntersTheMoments() {
        Optimizer o = new Adam(0.1, 0.9, 0.999, 1e-8, 0.5, false, UpdateOptions.NONE);
        // g = 2 + 0.5 * (-10) = -3: the step is +0.1 * 3/(3 + 1e-8)
        assertThat(step(o, new double[]{-10}, new double[]{2}, 0, 1)[0]).isCloseTo(-9.9, within(1e-8));
    }

    @Test
    void adamWDecaysTheWeightsOutsideTheMoments() {
        Optimizer o = new AdamWProvider().create(TestConfigs.of(new AdamWProvider(),
                Map.of("stepsize", 0.1, "weight-decay", 0.5)));
        // w = 1 * (1 - 0.1 * 0.5) - 0.1 * 2 / (2 + 1e-8) = 0.85
        assertThat(step(o, new double[]{1}, new double[]{2}, 0, 1)[0]).isCloseTo(0.85, within(1e-8));
    }

    @Test
    void adaptiveGradientDescentDividesByTheRisk() {
        Optimizer o = new AdaptiveGradientDescent(1, UpdateOptions.NONE);
        // eta_t = 1 / 0.25 = 4: w = 0 - 4 * 0.1 = -0.4
        assertThat(step(o, new double[]{0}, new double[]{0.1}, 0, 0.25)[0]).isCloseTo(-0.4, within(1e-15));
        // an underflowed risk with an underflowed gradient gives no step, not NaN
        assertThat(step(o, new double[]{1}, new double[]{0}, 0, 0)).containsExactly(1);
        // a risk near underflow: eta / L overflows but (g / L) is of order one
        Optimizer big = new AdaptiveGradientDescent(1000, UpdateOptions.NONE);
        assertThat(step(big, new double[]{1}, new double[]{-2e-306}, 0, 4e-306)[0]).isCloseTo(501, within(1e-9));
        assertThatThrownBy(() -> step(o, new double[]{1}, new double[]{0}, 7, Double.NaN))
                .hasMessageContaining("step 7");
    }

    @Test
    void normalizedGradientDescentTakesUnitDirection() {
        Optimizer o = new NormalizedGradientDescent(0.5, UpdateOptions.NONE);
        // g / ||g|| = (0.6, 0.8)
        double[] w = step(o, new double[]{0, 0}, new double[]{3, 4}, 0, 1);
        assertThat(w[0]).isCloseTo(-0.3, within(1e-15));
        assertThat(w[1]).isCloseTo(-0.4, within(1e-15));
        assertThat(step(o, new double[]{1, 1}, new double[]{0, 0}, 0, 1)).containsExactly(1, 1);
    }

    @Test
    void scheduleScalesTheStep() {
        Optimizer o = new GradientDescent(1, new UpdateOptions(new LinearWarmupSchedule(4, new ConstantSchedule()), 0));
        // warm-up factors 1/4, 2/4, 3/4, 1, 1
        double[] factors = {0.25, 0.5, 0.75, 1, 1};
        for (int t = 0; t < factors.length; t++) {
            assertThat(step(o, new double[]{0}, new double[]{-1}, t, 1)[0]).isEqualTo(factors[t]);
        }
    }

    @Test
    void rejectsMismatchedLists() {
        Optimizer o = new GradientDescent(1);
        assertThatThrownBy(() -> o.step(List.of(HostTensor.of(new double[]{1, 2}, 2)),
                List.of(HostTensor.of(new double[]{1}, 1)), new StepInfo(0, 1, 1)))
                .hasMessageContaining("gradient");
    }
}
