package io.suffice.api.oracle;

import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The Monte Carlo standard error against brute force, its 1/sqrt(n) law and its meaning (the spread of the mean). */
class EstimateTest {

    private static double[] uniforms(SplittableRandom r, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextDouble();
        }
        return v;
    }

    @Test
    void meanAndStandardErrorEqualTheTextbookFormulasOnAHandExample() {
        // values 1, 2, 3, 6: mean 3, sample variance (4 + 1 + 0 + 9) / 3 = 14/3, se = sqrt(14/3) / 2
        Estimate e = Estimate.of(new double[]{1, 2, 3, 6});
        assertThat(e.mean()).isEqualTo(3.0);
        assertThat(e.se()).isCloseTo(Math.sqrt(14.0 / 3) / 2, within(1e-15));
        assertThat(e.n()).isEqualTo(4);
    }

    @Test
    void standardErrorIsTheSampleStandardDeviationOverRootN() {
        double[] v = uniforms(new SplittableRandom(1), 1_000);
        // brute force: the unbiased variance from all pairwise differences, var = sum_{i<j} (v_i - v_j)^2 / (n (n-1))
        double pairs = 0;
        for (int i = 0; i < v.length; i++) {
            for (int j = i + 1; j < v.length; j++) {
                pairs += (v[i] - v[j]) * (v[i] - v[j]);
            }
        }
        double variance = pairs / ((double) v.length * (v.length - 1));
        assertThat(Estimate.of(v).se()).isCloseTo(Math.sqrt(variance / v.length), within(1e-12));
    }

    @Test
    void shrinksLikeOneOverRootN() {
        SplittableRandom r = new SplittableRandom(2);
        double small = Estimate.of(uniforms(r, 400)).se();
        double large = Estimate.of(uniforms(r, 40_000)).se();
        // 100 times the draws: a tenth of the error (the sample sd of uniforms is 0.2887 within a few percent)
        assertThat(small / large).isCloseTo(10.0, within(1.0));
        assertThat(large).isCloseTo(Math.sqrt(1.0 / 12 / 40_000), within(0.03 * large));
    }

    @Test
    void isTheSpreadOfTheMeanOverRepeatedDraws() {
        // 2,000 independent means of 50 exponential draws: their standard deviation is what se estimates
        SplittableRandom r = new SplittableRandom(3);
        int reps = 2_000;
        double[] means = new double[reps];
        double seSum = 0;
        for (int k = 0; k < reps; k++) {
            double[] v = new double[50];
            for (int i = 0; i < v.length; i++) {
                v[i] = -Math.log(1 - r.nextDouble());
            }
            Estimate e = Estimate.of(v);
            means[k] = e.mean();
            seSum += e.se();
        }
        double spread = Estimate.of(means).se() * Math.sqrt(reps);
        assertThat(seSum / reps).isCloseTo(spread, within(0.05 * spread));
        assertThat(spread).isCloseTo(1 / Math.sqrt(50), within(0.05 / Math.sqrt(50)));
    }

    @Test
    void aLargeMeanDoesNotCancelASmallSpread() {
        double[] v = {1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 6};
        assertThat(Estimate.of(v).se()).isCloseTo(Math.sqrt(14.0 / 3) / 2, within(1e-6));
    }

    @Test
    void edgesAndSummaryKeys() {
        assertThat(Estimate.of(new double[]{0.5}).se()).isNaN();
        assertThat(Estimate.exact(2 * Math.log(4), 10)).isEqualTo(new Estimate(2 * Math.log(4), 0, 10));
        assertThatThrownBy(() -> Estimate.of(new double[0])).hasMessageContaining("at least one draw");
        assertThatThrownBy(() -> new Estimate(1, -0.1, 3)).hasMessageContaining("standard error must be >= 0");
        Map<String, Double> summary = new LinkedHashMap<>();
        new Estimate(1.5, 0.25, 8).putInto(summary, "eval_bayes_mse");
        assertThat(summary).containsExactly(Map.entry("eval_bayes_mse", 1.5), Map.entry("eval_bayes_mse_se", 0.25));
    }
}
