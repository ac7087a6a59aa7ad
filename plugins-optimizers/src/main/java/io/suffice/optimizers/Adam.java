package io.suffice.optimizers;

import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Adam (Kingma and Ba, ICLR 2015) with optional weight decay {@code lambda}, either coupled (L2 penalty added to the
 * gradient, PyTorch {@code Adam(weight_decay)}) or decoupled (AdamW, Loshchilov and Hutter, ICLR 2019, as in PyTorch
 * {@code AdamW}). With {@code k} the number of updates so far, including this one:
 * <pre>
 *   g   = clip(grad) (+ lambda w            if coupled)
 *   m   = beta1 m + (1 - beta1) g,          v = beta2 v + (1 - beta2) g^2
 *   mh  = m / (1 - beta1^k),                vh = v / (1 - beta2^k)
 *   w   = w (1 - eta_t lambda)              if decoupled
 *   w   = w - eta_t mh / (sqrt(vh) + eps)
 * </pre>
 * State: {@code m.<i>}, {@code v.<i>} per parameter and {@code step} (int64 scalar, {@code k}).
 */
public final class Adam extends ScheduledOptimizer {
    private static final String STEP = "step";

    private final double beta1;
    private final double beta2;
    private final double epsilon;
    private final double weightDecay;
    private final boolean decoupled;
    private final StateSlots state = new StateSlots("m", "v");
    private long updates;

    public Adam(double stepsize, double beta1, double beta2, double epsilon, double weightDecay, boolean decoupled,
                UpdateOptions options) {
        super(stepsize, options);
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("beta1 and beta2 must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(epsilon > 0) || !(weightDecay >= 0)) {
            throw new IllegalArgumentException("need epsilon > 0 and weight decay >= 0, got " + epsilon + ", "
                    + weightDecay);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
        this.decoupled = decoupled;
    }

    @Override
    void update(List<HostTensor> params, List<HostTensor> grads, double gradScale, double eta, StepInfo info) {
        updates++;
        double c1 = 1 - Math.pow(beta1, updates);
        double c2 = 1 - Math.pow(beta2, updates);
        for (int p = 0; p < params.size(); p++) {
            TensorView w = new TensorView(params.get(p));
            TensorView g = new TensorView(grads.get(p));
            double[] m = state.get("m", p, w.size());
            double[] v = state.get("v", p, w.size());
            for (int i = 0; i < m.length; i++) {
                double wi = w.get(i);
                double gi = gradScale * g.get(i) + (decoupled ? 0 : weightDecay * wi);
                m[i] = beta1 * m[i] + (1 - beta1) * gi;
                v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
                if (decoupled) {
                    wi *= 1 - eta * weightDecay;
                }
                w.set(i, wi - eta * (m[i] / c1) / (Math.sqrt(v[i] / c2) + epsilon));
            }
        }
    }

    @Override
    public Map<String, HostTensor> state() {
        Map<String, HostTensor> out = state.export();
        out.put(STEP, HostTensor.of(new long[]{updates}));
        return out;
    }

    @Override
    public void restore(Map<String, HostTensor> saved) {
        state.restore(saved, Set.of(STEP));
        HostTensor step = saved.get(STEP);
        updates = step == null ? 0 : step.longs().get(0);
    }
}
