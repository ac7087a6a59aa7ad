package io.suffice.optimizers;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Multi-step trajectories of the stateful rules against reference loops written from PyTorch's documented update
 * formulas ({@code torch.optim.SGD}, {@code Adam}, {@code AdamW}, with an LR scheduler that sets the group's lr each
 * step). The gradients change sign and span four orders of magnitude, and the stepsize follows a linear warm-up into
 * a cosine decay, so that a rule which is right only at step 1 (where Adam moves by {@code eta * sign(g)} whatever
 * the gradient's size) or only under a constant schedule does not pass.
 * <p>
 * The reference loops compute the schedule factor themselves: {@code s(t) = min(1, (t + 1) / w) * (f + (1 - f)
 * (1 + cos(pi t / T)) / 2)}, the warm-up/cosine law of {@link LinearWarmupSchedule} and {@link CosineSchedule}.
 */
class OptimizerTrajectoryTest {
    private static final int T = 12;
    private static final long WARMUP = 3;
    private static final double FINAL = 0.1;
    /** Two coordinates; rows are steps: sign changes and magnitudes from 1e-3 to 8. */
    private static final double[][] GRADS = {
            {2.0, -0.001}, {-0.5, 0.003}, {0.01, 4.0}, {8.0, -0.02}, {-0.002, 0.5}, {0.3, -6.0},
            {-3.0, 0.001}, {0.004, 0.2}, {1.5, -0.05}, {-0.07, 2.5}, {0.6, -0.009}, {-1.2, 0.04}};
    private static final double[] W0 = {1.5, -2.0};
    /** Agreement of two double-precision evaluations of the same formula, relative to the weights' size. */
    private static final double TOL = 1e-12;

    private static UpdateOptions warmupCosine() {
        return new UpdateOptions(new LinearWarmupSchedule(WARMUP, new CosineSchedule(FINAL)), 0);
    }

    /** The reference schedule factor, written out rather than calling the schedule classes. */
    private static double factor(int t) {
        double ramp = Math.min(1.0, (t + 1) / (double) WARMUP);
        return ramp * (FINAL + (1 - FINAL) * 0.5 * (1 + Math.cos(Math.PI * t / T)));
    }

    /** Runs {@code o} over the whole gradient sequence; returns the weights after each step ([T][2]). */
    private static double[][] run(Optimizer o) {
        HostTensor w = HostTensor.of(W0.clone(), W0.length);
        double[][] out = new double[T][];
        for (int t = 0; t < T; t++) {
            o.step(List.of(w), List.of(HostTensor.of(GRADS[t].clone(), 2)), new StepInfo(t, T, 1.0));
            out[t] = w.toDoubleArray();
        }
        return out;
    }

    private static void assertTrajectory(double[][] got, double[][] want) {
        for (int t = 0; t < T; t++) {
            for (int i = 0; i < 2; i++) {
                assertThat(got[t][i]).as("step %d coordinate %d", t, i).isCloseTo(want[t][i], within(TOL));
            }
        }
    }

    /**
     * PyTorch SGD(momentum=mu, dampening=0): {@code b_1 = g_1}, {@code b_t = mu b_{t-1} + g_t}; heavy ball steps
     * {@code theta -= lr_t b_t}, Nesterov steps {@code theta -= lr_t (g_t + mu b_t)}. The velocity holds gradients
     * only: the scheduled lr multiplies the step, it is never folded into the buffer.
     */
    private static double[][] sgdMomentumReference(double lr, double mu, boolean nesterov) {
        double[] theta = W0.clone();
        double[] b = new double[2];
        double[][] out = new double[T][];
        for (int t = 0; t < T; t++) {
            double lrT = lr * factor(t);
            for (int i = 0; i < 2; i++) {
                double g = GRADS[t][i];
                b[i] = t == 0 ? g : mu * b[i] + g;
                theta[i] -= lrT * (nesterov ? g + mu * b[i] : b[i]);
            }
            out[t] = theta.clone();
        }
        return out;
    }

    /**
     * PyTorch Adam / AdamW with bias correction, t counted from 1: Adam adds the L2 term to the gradient
     * ({@code g = grad + lambda theta}, so it enters both moments); AdamW first decays the weights by the scheduled
     * lr ({@code theta *= 1 - lr_t lambda}) and keeps the moments free of it; then
     * {@code theta -= lr_t mhat / (sqrt(vhat) + eps)}.
     */
    private static double[][] adamReference(double lr, double b1, double b2, double eps, double lambda,
                                            boolean decoupled) {
        double[] theta = W0.clone();
        double[] m = new double[2];
        double[] v = new double[2];
        double[][] out = new double[T][];
        for (int t = 0; t < T; t++) {
            double lrT = lr * factor(t);
            int k = t + 1;
            for (int i = 0; i < 2; i++) {
                double g = GRADS[t][i];
                if (decoupled) {
                    theta[i] *= 1 - lrT * lambda;
                } else {
                    g += lambda * theta[i];
                }
                m[i] = b1 * m[i] + (1 - b1) * g;
                v[i] = b2 * v[i] + (1 - b2) * g * g;
                double mHat = m[i] / (1 - Math.pow(b1, k));
                double vHat = v[i] / (1 - Math.pow(b2, k));
                theta[i] -= lrT * mHat / (Math.sqrt(vHat) + eps);
            }
            out[t] = theta.clone();
        }
        return out;
    }

    @Test
    void scheduleOfTheReferenceIsNotConstant() {
        // guards the premise of every trajectory below: warm-up, then a decay to 0.1 of the stepsize
        assertThat(factor(0)).isCloseTo(1.0 / 3, within(1e-3));
        assertThat(factor(T - 1)).isLessThan(0.2);
        for (int t = 0; t < T; t++) {
            assertThat(new LinearWarmupSchedule(WARMUP, new CosineSchedule(FINAL)).factor(t, T))
                    .isCloseTo(factor(t), within(1e-15));
        }
    }

    @Test
    void heavyBallFollowsPyTorchSgdMomentum() {
        assertTrajectory(run(new Momentum(0.05, 0.9, false, warmupCosine())), sgdMomentumReference(0.05, 0.9, false));
    }

    @Test
    void nesterovFollowsPyTorchSgdNesterov() {
        assertTrajectory(run(new Momentum(0.05, 0.9, true, warmupCosine())), sgdMomentumReference(0.05, 0.9, true));
    }

    @Test
    void momentumPluginsBuildTheSameRules() {
        Optimizer heavy = new MomentumProvider().create(TestConfigs.of(new MomentumProvider(), Map.of(
                "stepsize", 0.05, "momentum", 0.8, "schedule", "cosine", "warmup-steps", WARMUP,
                "final-factor", FINAL)));
        assertTrajectory(run(heavy), sgdMomentumReference(0.05, 0.8, false));
        Optimizer nesterov = new NesterovProvider().create(TestConfigs.of(new NesterovProvider(), Map.of(
                "stepsize", 0.05, "momentum", 0.8, "schedule", "cosine", "warmup-steps", WARMUP,
                "final-factor", FINAL)));
        assertTrajectory(run(nesterov), sgdMomentumReference(0.05, 0.8, true));
    }

    @Test
    void adamFollowsPyTorchAdamWithCoupledL2() {
        assertTrajectory(run(new Adam(0.1, 0.9, 0.999, 1e-8, 0.3, false, warmupCosine())),
                adamReference(0.1, 0.9, 0.999, 1e-8, 0.3, false));
    }

    @Test
    void adamWFollowsPyTorchAdamWDecayingWithTheScheduledStepsize() {
        assertTrajectory(run(new Adam(0.1, 0.9, 0.999, 1e-8, 0.3, true, warmupCosine())),
                adamReference(0.1, 0.9, 0.999, 1e-8, 0.3, true));
    }

    @Test
    void adamPluginsBuildCoupledAndDecoupledRules() {
        Map<String, Object> common = Map.of("stepsize", 0.1, "beta1", 0.8, "beta2", 0.99, "epsilon", 1e-6,
                "weight-decay", 0.3, "schedule", "cosine", "warmup-steps", WARMUP, "final-factor", FINAL);
        assertTrajectory(run(new AdamProvider().create(TestConfigs.of(new AdamProvider(), common))),
                adamReference(0.1, 0.8, 0.99, 1e-6, 0.3, false));
        assertTrajectory(run(new AdamWProvider().create(TestConfigs.of(new AdamWProvider(), common))),
                adamReference(0.1, 0.8, 0.99, 1e-6, 0.3, true));
    }

    @Test
    void coupledAndDecoupledDecayGiveDifferentTrajectories() {
        // the two laws must be distinguishable on this gradient sequence, or the two tests above prove nothing
        double[][] coupled = adamReference(0.1, 0.9, 0.999, 1e-8, 0.3, false);
        double[][] decoupled = adamReference(0.1, 0.9, 0.999, 1e-8, 0.3, true);
        assertThat(Math.abs(coupled[T - 1][1] - decoupled[T - 1][1])).isGreaterThan(1e-3);
    }

    /**
     * Clipping acts on the raw gradient before the rule (torch.nn.utils.clip_grad_norm_ before optimizer.step()),
     * so Adam's L2 term {@code lambda theta} is added to the clipped gradient, unclipped.
     */
    @Test
    void adamAddsTheL2TermToTheClippedGradient() {
        Optimizer o = new Adam(0.1, 0.5, 0.9, 1e-8, 0.3, false, new UpdateOptions(new ConstantSchedule(), 1.0));
        HostTensor w = HostTensor.of(new double[]{2.0}, 1);
        // step 1: |g| = 4 > 1: g = 1 + 0.3 * 2 = 1.6; Adam's first step is lr g / (|g| + eps), about 0.1
        o.step(List.of(w), List.of(HostTensor.of(new double[]{4.0}, 1)), new StepInfo(0, 2, 1));
        double w1 = 2 - 0.1 * 1.6 / (1.6 + 1e-8);
        assertThat(w.toDoubleArray()[0]).isCloseTo(w1, within(1e-15));
        // step 2: |g| = 0.5, not clipped: g = -0.5 + 0.3 * w1 (about 0.07)
        o.step(List.of(w), List.of(HostTensor.of(new double[]{-0.5}, 1)), new StepInfo(1, 2, 1));
        double g2 = -0.5 + 0.3 * w1;
        double m = 0.5 * 0.5 * 1.6 + 0.5 * g2;
        double v = 0.9 * 0.1 * 1.6 * 1.6 + 0.1 * g2 * g2;
        double want = w1 - 0.1 * (m / 0.75) / (Math.sqrt(v / 0.19) + 1e-8);
        assertThat(w.toDoubleArray()[0]).isCloseTo(want, within(1e-12));
    }

    /** float32 parameters follow the same law, rounded to float once per step. */
    @Test
    void float32ParametersTrackTheDoubleTrajectory() {
        Optimizer o = new Adam(0.1, 0.9, 0.999, 1e-8, 0.3, true, warmupCosine());
        HostTensor w = HostTensor.of(new float[]{(float) W0[0], (float) W0[1]}, 2);
        for (int t = 0; t < T; t++) {
            o.step(List.of(w), List.of(HostTensor.of(new float[]{(float) GRADS[t][0], (float) GRADS[t][1]}, 2)),
                    new StepInfo(t, T, 1.0));
        }
        double[][] want = adamReference(0.1, 0.9, 0.999, 1e-8, 0.3, true);
        assertThat(w.toDoubleArray()[0]).isCloseTo(want[T - 1][0], within(1e-5));
        assertThat(w.toDoubleArray()[1]).isCloseTo(want[T - 1][1], within(1e-5));
    }

    /** adaptive-gd divides the clipped gradient by the risk: {@code w -= eta_t min(1, c/||g||) g / L}. */
    @Test
    void adaptiveGradientDescentClipsBeforeDividingByTheRisk() {
        Optimizer o = new AdaptiveGradientDescent(2, new UpdateOptions(new ConstantSchedule(), 0.5));
        HostTensor w = HostTensor.of(new double[]{0, 0}, 2);
        o.step(List.of(w), List.of(HostTensor.of(new double[]{3, 4}, 2)), new StepInfo(0, 1, 0.25));
        // g clipped to (0.3, 0.4); eta / L = 8
        assertThat(w.toDoubleArray()).containsExactly(new double[]{-2.4, -3.2}, within(1e-12));
    }
}
