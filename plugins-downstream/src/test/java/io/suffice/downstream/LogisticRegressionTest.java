package io.suffice.downstream;

import io.suffice.data.SeparableGaussians;
import io.suffice.optimizers.GradientDescent;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The linear model (Wu, Bartlett, Telgarsky, Yu, COLT 2024) on separable Gaussian data. */
class LogisticRegressionTest {

    private static Map<String, Double> run(double eta) {
        FakeRunContext ctx = new FakeRunContext(new SeparableGaussians(100, 10, 0.1, 1, 0),
                () -> new GradientDescent(eta), 1);
        Map<String, Double> s = new LogisticRegression(3000, 10, 1e-2).run(ctx).summary();
        System.out.println("logistic regression eta=" + eta + ": " + s);
        return s;
    }

    @Test
    void largeStepsizeOscillatesThenOvertakesASmallStableOne() {
        Map<String, Double> small = run(4);
        Map<String, Double> large = run(1000); // seen: 67 risk increases, last at step 151
        assertThat(small.get("risk_increases")).isZero();
        assertThat(large.get("risk_increases")).isPositive();
        assertThat(large.get("phase_transition_step")).isPositive();
        assertThat(large.get("risk")).isLessThan(small.get("risk"));
        assertThat(large.get("normalized_margin")).isPositive(); // seen: 0.0093
        assertThat(large.get("steps_to_target")).isBetween(1.0, 1000.0); // seen: 164; eta = 4 never reaches 1e-2
    }

    @Test
    void stepsThenResumeToTwiceAsManyEqualsTheStraightRun() {
        SeparableGaussians data = new SeparableGaussians(100, 10, 0.1, 1, 0);
        FakeRunContext first = new FakeRunContext(data, () -> new GradientDescent(1000), 1);
        new LogisticRegression(100, 10, 1e-2).run(first);
        FakeRunContext resumed = new FakeRunContext(data, () -> new GradientDescent(1000), 1).resume(first.directory());
        Map<String, Double> r = new LogisticRegression(200, 10, 1e-2).run(resumed).summary();
        FakeRunContext straight = new FakeRunContext(data, () -> new GradientDescent(1000), 1);
        Map<String, Double> s = new LogisticRegression(200, 10, 1e-2).run(straight).summary();
        assertThat(s.get("risk_increases")).isPositive();
        assertThat(r).isEqualTo(s);
        assertThat(resumed.rows().get(0).step()).isEqualTo(100);
        assertThat(resumed.series("risk")).containsExactly(java.util.Arrays.copyOfRange(straight.series("risk"), 10,
                21));
    }
}
