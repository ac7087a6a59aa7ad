package io.suffice.optimizers;

import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Gradient descent with momentum, in the velocity form PyTorch's {@code SGD} uses (velocity starts at 0):
 * <ul>
 *   <li>heavy ball (Polyak 1964): {@code v_{t+1} = mu v_t + g_t}, {@code w_{t+1} = w_t - eta_t v_{t+1}};</li>
 *   <li>Nesterov (Sutskever et al., ICML 2013 form): {@code v_{t+1} = mu v_t + g_t},
 *       {@code w_{t+1} = w_t - eta_t (g_t + mu v_{t+1})}.</li>
 * </ul>
 * State: {@code velocity.<i>} per parameter.
 */
public final class Momentum extends ScheduledOptimizer {
    private final double momentum;
    private final boolean nesterov;
    private final StateSlots state = new StateSlots("velocity");

    /**
     * @param momentum {@code mu} in [0, 1)
     * @param nesterov whether to use the Nesterov look-ahead form
     */
    public Momentum(double stepsize, double momentum, boolean nesterov, UpdateOptions options) {
        super(stepsize, options);
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
    }

    @Override
    void update(List<HostTensor> params, List<HostTensor> grads, double gradScale, double eta, StepInfo info) {
        for (int p = 0; p < params.size(); p++) {
            TensorView w = new TensorView(params.get(p));
            TensorView g = new TensorView(grads.get(p));
            double[] v = state.get("velocity", p, w.size());
            for (int i = 0; i < v.length; i++) {
                double gi = gradScale * g.get(i);
                v[i] = momentum * v[i] + gi;
                double direction = nesterov ? gi + momentum * v[i] : v[i];
                w.set(i, w.get(i) - eta * direction);
            }
        }
    }

    @Override
    public Map<String, HostTensor> state() {
        return state.export();
    }

    @Override
    public void restore(Map<String, HostTensor> saved) {
        state.restore(saved, Set.of());
    }
}
