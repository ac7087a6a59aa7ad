package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.util.List;

/**
 * Base of the built-in optimizers: checks the argument lists, applies global-norm clipping and the stepsize schedule
 * of its {@link UpdateOptions}, and hands the update rule the scheduled stepsize {@code eta_t = eta * s(t, T)} and the
 * factor {@code gradScale = min(1, c / ||g||)} by which every gradient entry is to be multiplied (the caller's
 * gradient tensors are never modified).
 */
abstract class ScheduledOptimizer implements Optimizer {
    private final double stepsize;
    private final UpdateOptions options;

    ScheduledOptimizer(double stepsize, UpdateOptions options) {
        if (!(stepsize > 0) || Double.isInfinite(stepsize)) {
            throw new IllegalArgumentException("stepsize must be a finite positive number, got " + stepsize);
        }
        this.stepsize = stepsize;
        this.options = options;
    }

    /** The base stepsize {@code eta}. */
    double stepsize() {
        return stepsize;
    }

    @Override
    public final void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
        if (params.size() != grads.size()) {
            throw new IllegalArgumentException(params.size() + " parameters but " + grads.size() + " gradients");
        }
        for (int i = 0; i < params.size(); i++) {
            if (!params.get(i).shape().equals(grads.get(i).shape())) {
                throw new IllegalArgumentException("parameter " + i + " is " + params.get(i) + " but its gradient is "
                        + grads.get(i));
            }
        }
        double gradScale = 1;
        if (options.clipNorm() > 0) {
            double norm = Math.sqrt(TensorView.squaredNorm(grads));
            if (norm > options.clipNorm()) {
                gradScale = options.clipNorm() / norm;
            }
        }
        double eta = stepsize * options.schedule().factor(info.step(), info.totalSteps());
        update(params, grads, gradScale, eta, info);
    }

    /**
     * The update rule.
     *
     * @param gradScale factor to apply to every gradient entry (clipping); 1 when not clipped
     * @param eta       the scheduled stepsize of this step
     */
    abstract void update(List<HostTensor> params, List<HostTensor> grads, double gradScale, double eta,
                         StepInfo info);
}
