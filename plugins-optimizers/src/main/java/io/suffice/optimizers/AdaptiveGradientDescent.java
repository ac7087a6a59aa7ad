package io.suffice.optimizers;

import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.util.List;

/**
 * Gradient descent with the risk-adaptive stepsize {@code eta_t = eta / L(w_t)} ("Gradient Descent Converges
 * Arbitrarily Fast for Logistic Regression via Large and Adaptive Stepsizes", ICML 2025):
 * {@code w_{t+1} = w_t - (eta / L(w_t)) g_t}. For the logistic loss {@code ||grad L|| <= L} when {@code ||x|| <= 1},
 * so each step moves at most about {@code eta} however small the risk; after a short first phase the risk falls
 * faster than any fixed stepsize allows. The risk is {@link StepInfo#loss()}; it must be finite and non-negative, and
 * is floored at {@link Double#MIN_NORMAL}, and the gradient is divided by it before the multiplication by
 * {@code eta}, so that a risk near underflow (whose gradient is as small) still gives a finite step. The schedule multiplies {@code eta} as for the other rules.
 */
public final class AdaptiveGradientDescent extends ScheduledOptimizer {

    public AdaptiveGradientDescent(double stepsize, UpdateOptions options) {
        super(stepsize, options);
    }

    @Override
    void update(List<HostTensor> params, List<HostTensor> grads, double gradScale, double eta, StepInfo info) {
        double loss = info.loss();
        if (!(loss >= 0) || Double.isInfinite(loss)) {
            throw new IllegalArgumentException("adaptive-gd needs the finite non-negative risk at step " + info.step()
                    + ", got " + loss);
        }
        // divide the gradient by the risk before multiplying by eta: eta / L alone overflows once L ~ 1e-306,
        // while g / L stays of order one (|grad L| <= L up to constants) or is 0 when g has underflowed
        double risk = Math.max(loss, Double.MIN_NORMAL);
        double a = eta * gradScale;
        for (int p = 0; p < params.size(); p++) {
            TensorView w = new TensorView(params.get(p));
            TensorView g = new TensorView(grads.get(p));
            for (int i = 0; i < w.size(); i++) {
                w.set(i, w.get(i) - a * (g.get(i) / risk));
            }
        }
    }
}
