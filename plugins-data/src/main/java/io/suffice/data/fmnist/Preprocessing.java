package io.suffice.data.fmnist;

import java.util.Arrays;
import java.util.List;

/**
 * How flattened pixels become inputs; every choice ends with {@code ||x_i|| <= 1}, the scaling the large-stepsize
 * theory assumes. Pixels are first mapped to {@code p / 255} in [0, 1].
 */
public enum Preprocessing {
    /** Divide all inputs by one factor, the largest norm among the selected images: {@code max_i ||x_i|| = 1}. */
    MAX_NORM("max-norm"),
    /** Normalize every image separately: {@code ||x_i|| = 1}. */
    UNIT_NORM("unit-norm"),
    /** Subtract the per-pixel mean of the selected images, then divide by the largest norm. */
    CENTER_MAX_NORM("center-max-norm");

    private final String label;

    Preprocessing(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** Labels in declaration order. */
    public static List<String> labels() {
        return Arrays.stream(values()).map(Preprocessing::label).toList();
    }

    public static Preprocessing fromLabel(String label) {
        for (Preprocessing p : values()) {
            if (p.label.equals(label)) {
                return p;
            }
        }
        throw new IllegalArgumentException("unknown preprocessing '" + label + "'; choices: " + labels());
    }

    /** Applies this preprocessing in place to {@code x}, {@code n x d} row-major values in [0, 1]. */
    void apply(double[] x, int n, int d) {
        if (this == CENTER_MAX_NORM) {
            double[] mean = new double[d];
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    mean[k] += x[i * d + k] / n;
                }
            }
            for (int i = 0; i < n; i++) {
                for (int k = 0; k < d; k++) {
                    x[i * d + k] -= mean[k];
                }
            }
        }
        double maxNorm = 0;
        double[] norms = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int k = 0; k < d; k++) {
                s += x[i * d + k] * x[i * d + k];
            }
            norms[i] = Math.sqrt(s);
            maxNorm = Math.max(maxNorm, norms[i]);
        }
        for (int i = 0; i < n; i++) {
            double scale = this == UNIT_NORM ? norms[i] : maxNorm;
            if (scale > 0) {
                for (int k = 0; k < d; k++) {
                    x[i * d + k] /= scale;
                }
            }
        }
    }
}
