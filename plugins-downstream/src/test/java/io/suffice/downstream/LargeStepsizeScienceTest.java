package io.suffice.downstream;

import io.suffice.api.data.Dataset;
import io.suffice.data.SeparableGaussians;
import io.suffice.data.xor.XorData;
import io.suffice.optimizers.AdaptiveGradientDescent;
import io.suffice.optimizers.GradientDescent;
import io.suffice.optimizers.UpdateOptions;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The claims of the large-stepsize papers, checked on small fixed-seed problems (numbers seen are in the comments;
 * the assertions leave wide margins). The network's {@code 1/m} output scaling puts the classical stability threshold
 * {@code 2/smoothness} near {@code 8m} at initialization, so for width 64 the "large" stepsizes are 1e4 and beyond.
 */
class LargeStepsizeScienceTest {

    private static void print(String label, LargeStepsizeSweep r) {
        System.out.println(label + ": " + r);
    }

    @Test
    void xorLargeStepsizeOscillatesThenDescendsAndWinsOverTheLargestMonotoneStepsize() {
        Dataset xor = new XorData(100, 0, 0, 0, 0);
        TwoLayerGdSettings s = new TwoLayerGdSettings(64, "leaky-softplus", 0.5, 1, 1, 5000, 10, 1e-3, 0);
        LargeStepsizeSweep stable = LargeStepsizeSweep.run(xor, s, 1000, GradientDescent::new);
        LargeStepsizeSweep large = LargeStepsizeSweep.run(xor, s, 10000, GradientDescent::new);
        LargeStepsizeSweep adaptive = LargeStepsizeSweep.run(xor, s, 300,
                eta -> new AdaptiveGradientDescent(eta, UpdateOptions.NONE));
        print("xor gd eta=1e3", stable);
        print("xor gd eta=1e4", large);
        print("xor adaptive-gd eta=300", adaptive);

        // eta = 1000: monotone from the start, slow
        assertThat(stable.get("risk_increases")).isZero();
        assertThat(stable.get("steps_to_target")).isGreaterThan(1000);
        // eta = 1e4: an oscillating first phase (risk above its initial value), then monotone descent
        assertThat(large.get("risk_increases")).isGreaterThanOrEqualTo(2);
        assertThat(large.get("max_risk")).isGreaterThan(1.0);
        assertThat(large.get("phase_transition_step")).isBetween(1.0, 200.0);
        // ... which reaches the target risk more than 10x sooner than the largest monotone stepsize
        assertThat(large.get("steps_to_target")).isPositive().isLessThan(stable.get("steps_to_target") / 10);
        assertThat(large.get("final_risk")).isLessThan(stable.get("final_risk") / 10);
        // margin improvement in the stable phase
        long transition = (long) large.get("phase_transition_step");
        assertThat(large.at("normalized_margin", transition + 100)).isGreaterThan(large.get("normalized_margin_at_transition"));
        assertThat(large.get("final_normalized_margin")).isGreaterThan(large.at("normalized_margin", transition + 100))
                .isPositive();
        assertThat(marginDecreases(large, transition + 100)).isZero(); // seen: 0 of 489 logged steps
        // adaptive stepsizes: monotone here, and far ahead after the same budget
        assertThat(adaptive.get("steps_to_target")).isPositive().isLessThan(stable.get("steps_to_target") / 10);
        assertThat(adaptive.get("final_risk")).isLessThan(1e-30);
    }

    @Test
    void gaussianLargeStepsizeOscillatesThenOvertakesTheLargestMonotoneStepsize() {
        Dataset gauss = new SeparableGaussians(100, 10, 0.1, 1, 0);
        TwoLayerGdSettings s = new TwoLayerGdSettings(16, "leaky-softplus", 0.5, 1, 1, 3000, 10, 1e-2, 0);
        LargeStepsizeSweep stable = LargeStepsizeSweep.run(gauss, s, 5e3, GradientDescent::new);
        LargeStepsizeSweep large = LargeStepsizeSweep.run(gauss, s, 1e5, GradientDescent::new);
        LargeStepsizeSweep adaptive = LargeStepsizeSweep.run(gauss, s, 1e3,
                eta -> new AdaptiveGradientDescent(eta, UpdateOptions.NONE));
        print("gauss gd eta=5e3", stable);
        print("gauss gd eta=1e5", large);
        print("gauss adaptive-gd eta=1e3", adaptive);

        assertThat(stable.get("risk_increases")).isZero();
        assertThat(stable.get("steps_to_target")).isGreaterThan(1000);
        assertThat(large.get("risk_increases")).isGreaterThanOrEqualTo(5);
        assertThat(large.get("max_risk")).isGreaterThan(1.0);
        assertThat(large.get("phase_transition_step")).isBetween(1.0, 500.0);
        assertThat(large.get("steps_to_target")).isPositive().isLessThan(stable.get("steps_to_target") / 10);
        assertThat(large.get("final_normalized_margin")).isPositive()
                .isGreaterThan(large.get("normalized_margin_at_transition"));
        assertThat(marginDecreases(large, (long) large.get("phase_transition_step") + 100)).isZero();
        assertThat(adaptive.get("steps_to_target")).isPositive().isLessThan(stable.get("steps_to_target") / 2);
        assertThat(adaptive.get("final_risk")).isLessThan(large.get("final_risk") * 1e-6);
    }

    /** Counts decreases of the logged normalized margin from {@code from} on (relative tolerance 1e-9). */
    private static long marginDecreases(LargeStepsizeSweep r, long from) {
        double[] margins = r.context().rows().stream().filter(row -> row.step() >= from)
                .mapToDouble(row -> row.values().get("normalized_margin")).toArray();
        long decreases = 0;
        for (int k = 1; k < margins.length; k++) {
            if (margins[k] < margins[k - 1] - 1e-9 * Math.abs(margins[k - 1])) {
                decreases++;
            }
        }
        return decreases;
    }
}
