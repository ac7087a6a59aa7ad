package io.suffice.optimizers;

import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.util.List;

/**
 * Normalized gradient descent {@code w_{t+1} = w_t - eta_t g_t / ||g_t||}, the norm taken globally over all
 * parameters: every step has length exactly {@code eta_t}. A zero gradient leaves the parameters unchanged. (Clipping
 * is redundant here except that it is applied first, and does not change the direction.)
 */
public final class NormalizedGradientDescent extends ScheduledOptimizer {

    public NormalizedGradientDescent(double stepsize, UpdateOptions options) {
        super(stepsize, options);
    }

    @Override
    void update(List<HostTensor> params, List<HostTensor> grads, double gradScale, double eta, StepInfo info) {
        double norm = Math.sqrt(TensorView.squaredNorm(grads));
        if (norm == 0) {
            return;
        }
        double a = eta / norm;
        for (int p = 0; p < params.size(); p++) {
            TensorView w = new TensorView(params.get(p));
            TensorView g = new TensorView(grads.get(p));
            for (int i = 0; i < w.size(); i++) {
                w.set(i, w.get(i) - a * g.get(i));
            }
        }
    }
}
