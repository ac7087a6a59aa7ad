package io.suffice.optimizers;

import io.suffice.api.tensor.HostTensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;

/**
 * Element access to a float32 or float64 {@link HostTensor} in double precision, so that one update rule serves both
 * dtypes. A view over the tensor's memory: writes go to the tensor.
 */
final class TensorView {
    private final FloatBuffer floats;
    private final DoubleBuffer doubles;
    private final int size;

    TensorView(HostTensor t) {
        switch (t.dtype()) {
            case FLOAT32 -> {
                floats = t.floats();
                doubles = null;
            }
            case FLOAT64 -> {
                floats = null;
                doubles = t.doubles();
            }
            default -> throw new IllegalArgumentException("optimizers update float32 or float64 tensors, not " + t);
        }
        size = t.size();
    }

    int size() {
        return size;
    }

    double get(int i) {
        return doubles != null ? doubles.get(i) : floats.get(i);
    }

    void set(int i, double v) {
        if (doubles != null) {
            doubles.put(i, v);
        } else {
            floats.put(i, (float) v);
        }
    }

    /** {@code sum_i t_i^2} over all tensors. */
    static double squaredNorm(Iterable<HostTensor> tensors) {
        double s = 0;
        for (HostTensor t : tensors) {
            TensorView v = new TensorView(t);
            for (int i = 0; i < v.size; i++) {
                double x = v.get(i);
                s += x * x;
            }
        }
        return s;
    }
}
