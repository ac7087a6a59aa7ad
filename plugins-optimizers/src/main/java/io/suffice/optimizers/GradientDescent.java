package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.List;

/**
 * Full-batch gradient descent with a constant stepsize: {@code w <- w - eta * g}. Any positive stepsize is applied as
 * given, with no clipping or rescaling: the large-stepsize regime (eta far above 2/smoothness) is the point.
 */
public final class GradientDescent implements Optimizer {
    private final double stepsize;

    public GradientDescent(double stepsize) {
        this.stepsize = stepsize;
    }

    @Override
    public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
        for (int i = 0; i < params.size(); i++) {
            axpy(-stepsize, grads.get(i), params.get(i));
        }
    }

    /** {@code y += alpha * x} for float32 or float64 tensors of equal shape. */
    static void axpy(double alpha, HostTensor x, HostTensor y) {
        switch (y.dtype()) {
            case FLOAT32 -> {
                FloatBuffer xs = x.floats();
                FloatBuffer ys = y.floats();
                float a = (float) alpha;
                for (int j = 0, n = ys.limit(); j < n; j++) {
                    ys.put(j, ys.get(j) + a * xs.get(j));
                }
            }
            case FLOAT64 -> {
                DoubleBuffer xs = x.doubles();
                DoubleBuffer ys = y.doubles();
                for (int j = 0, n = ys.limit(); j < n; j++) {
                    ys.put(j, ys.get(j) + alpha * xs.get(j));
                }
            }
            default -> throw new IllegalArgumentException("cannot update a " + y.dtype() + " parameter");
        }
    }
}
