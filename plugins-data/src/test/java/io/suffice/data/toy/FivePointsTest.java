package io.suffice.data.toy;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class FivePointsTest {

    /** min_i y_i w . x_i for a unit w. */
    private static double margin(double[] x, double[] y, double[] w) {
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < y.length; i++) {
            double s = 0;
            for (int k = 0; k < 3; k++) {
                s += w[k] * x[3 * i + k];
            }
            min = Math.min(min, y[i] * s);
        }
        return min;
    }

    @Test
    void maxMarginIsFiveHundredthsAlongTheFirstAxisAndNormsAreAtMostOne() {
        FivePoints data = new FivePoints();
        double[] x = data.all().get("x").toDoubleArray();
        double[] y = data.all().get("y").toDoubleArray();
        assertThat(data.all().get("x").shape().dims()).containsExactly(5, 3);
        for (int i = 0; i < 5; i++) {
            assertThat(Math.sqrt(x[3 * i] * x[3 * i] + x[3 * i + 1] * x[3 * i + 1] + x[3 * i + 2] * x[3 * i + 2]))
                    .isLessThanOrEqualTo(1);
        }
        assertThat(margin(x, y, new double[]{1, 0, 0})).isCloseTo(FivePoints.MAX_MARGIN, within(1e-7));
        // brute force over directions: none does better than e_1 (the KKT argument of the class comment)
        SplittableRandom rng = new SplittableRandom(3);
        double best = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 200_000; k++) {
            double[] w = {rng.nextGaussian(), rng.nextGaussian(), rng.nextGaussian()};
            double n = Math.sqrt(w[0] * w[0] + w[1] * w[1] + w[2] * w[2]);
            best = Math.max(best, margin(x, y, new double[]{w[0] / n, w[1] / n, w[2] / n}));
        }
        assertThat(best).isLessThanOrEqualTo(FivePoints.MAX_MARGIN + 1e-7).isGreaterThan(0.045);
    }
}
