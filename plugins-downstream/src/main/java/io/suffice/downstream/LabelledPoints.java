package io.suffice.downstream;

import io.suffice.api.data.Batch;

/**
 * The finite binary-classification data of the large-stepsize tasks, read once and checked: {@code x} row-major
 * {@code [n, d]}, {@code y} in {-1, +1}.
 */
record LabelledPoints(double[] x, double[] y, int n, int d) {

    /** Reads fields {@code x} [n, d] and {@code y} [n] of {@code data}; a wrong shape or label names the task. */
    static LabelledPoints of(Batch data, String task) {
        if (data.get("x").shape().rank() != 2) {
            throw new IllegalArgumentException(task + " needs field x of shape [n, d], got " + data.get("x"));
        }
        double[] x = data.get("x").toDoubleArray();
        double[] y = data.get("y").toDoubleArray();
        int n = y.length;
        for (int i = 0; i < n; i++) {
            if (y[i] != 1 && y[i] != -1) {
                throw new IllegalArgumentException(task + " needs labels in {-1, +1}; y[" + i + "] = " + y[i]);
            }
        }
        return new LabelledPoints(x, y, n, x.length / n);
    }
}
