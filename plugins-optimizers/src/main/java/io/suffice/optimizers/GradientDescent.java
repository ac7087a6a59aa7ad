package io.suffice.optimizers;

import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.util.List;

/**
 * Gradient descent {@code w_{t+1} = w_t - eta_t g_t}. With the default options ({@link UpdateOptions#NONE}) the
 * stepsize is constant and applied as given, with no clipping or rescaling: the large-stepsize regime (eta far above
 * 2/smoothness) is the point (Wu, Bartlett, Telgarsky, Yu, COLT 2024; Cai et al., NeurIPS 2024). The same rule is SGD
 * when the task hands it a minibatch gradient.
 */
public final class GradientDescent extends ScheduledOptimizer {

    public GradientDescent(double stepsize) {
        this(stepsize, UpdateOptions.NONE);
    }

    public GradientDescent(double stepsize, UpdateOptions options) {
        super(stepsize, options);
    }

    @Override
    void update(List<HostTensor> params, List<HostTensor> grads, double gradScale, double eta, StepInfo info) {
        for (int p = 0; p < params.size(); p++) {
            TensorView w = new TensorView(params.get(p));
            TensorView g = new TensorView(grads.get(p));
            double a = eta * gradScale;
            for (int i = 0; i < w.size(); i++) {
                w.set(i, w.get(i) - a * g.get(i));
            }
        }
    }
}
