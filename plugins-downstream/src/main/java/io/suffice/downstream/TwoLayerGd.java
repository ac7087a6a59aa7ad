package io.suffice.downstream;

import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.data.Batch;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.downstream.twolayer.Activation;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Trains the {@link TwoLayerNetwork} {@code f(x; W) = (1/m) sum_j a_j phi(w_j . x)} on the run's finite dataset
 * (fields {@code x} [n, d], {@code y} [n] in {-1, +1}) with the run's optimizer, the experiment of the large-stepsize
 * paper (Cai et al., NeurIPS 2024). {@code W} starts at {@code N(0, init-scale^2)} entries drawn from the run seed.
 * <p>
 * Every step it evaluates risk, gradient norm, {@code ||W||_F}, the normalized margin {@code min_i y_i f(x_i)/||W||_F}
 * and accuracy on the full sample (written to the metrics every {@code log-every} steps) and feeds the
 * {@link PhaseTransitionTracker}; a non-finite value stops the run with a {@link TrainingDivergedException}. The
 * summary holds the final diagnostics ({@code final_*}), {@code phase_transition_step} (last risk increase),
 * {@code risk_increases}, {@code steps_to_target} (-1 if never), {@code normalized_margin_at_transition} and
 * {@code max_risk}.
 */
public final class TwoLayerGd implements DownstreamTask {
    private final TwoLayerGdSettings settings;

    public TwoLayerGd(TwoLayerGdSettings settings) {
        this.settings = settings;
    }

    @Override
    public TaskResult run(RunContext context) {
        Batch data = context.dataset().all();
        double[] x = data.get("x").toDoubleArray();
        double[] y = data.get("y").toDoubleArray();
        int n = y.length;
        if (data.get("x").shape().rank() != 2) {
            throw new IllegalArgumentException("two-layer-gd needs field x of shape [n, d], got " + data.get("x"));
        }
        int d = x.length / n;
        for (int i = 0; i < n; i++) {
            if (y[i] != 1 && y[i] != -1) {
                throw new IllegalArgumentException("two-layer-gd needs labels in {-1, +1}; y[" + i + "] = " + y[i]);
            }
        }
        if (settings.batchSize() > n) {
            throw new IllegalArgumentException("batch-size " + settings.batchSize() + " exceeds the " + n
                    + " samples");
        }
        Activation phi = Activation.of(settings.activation(), settings.leakiness(), settings.huber());
        int m = settings.width();
        TwoLayerNetwork net = new TwoLayerNetwork(x, y, d, m, phi);

        SplittableRandom rng = new SplittableRandom(context.seed());
        SplittableRandom batchRng = rng.split();
        double[] w = new double[m * d];
        for (int k = 0; k < w.length; k++) {
            w[k] = settings.initScale() * rng.nextGaussian();
        }
        double[] g = new double[m * d];
        HostTensor wTensor = HostTensor.zeros(DType.FLOAT64, Shape.of(m, d));
        HostTensor gTensor = HostTensor.zeros(DType.FLOAT64, Shape.of(m, d));
        wTensor.doubles().put(w);

        Optimizer optimizer = context.optimizer();
        MetricsSink metrics = context.metrics();
        PhaseTransitionTracker tracker = new PhaseTransitionTracker(settings.targetRisk());
        boolean minibatch = settings.batchSize() > 0 && settings.batchSize() < n;
        int[] batch = minibatch ? new int[settings.batchSize()] : null;
        int[] perm = minibatch ? identity(n) : null;
        long steps = settings.steps();
        Map<String, Double> lastFinite = null;
        Evaluation e = null;
        try (Progress progress = context.progress("two-layer " + settings.activation() + " m=" + m, steps)) {
            for (long t = 0; t <= steps; t++) {
                wTensor.doubles().get(w);
                e = net.evaluate(w, g, null);
                Map<String, Double> values = e.asMap();
                TrainingDivergedException.requireFinite(t, values, lastFinite);
                lastFinite = values;
                tracker.observe(t, e.risk(), e.margin());
                if (t % settings.logEvery() == 0 || t == steps) {
                    metrics.log(t, values);
                    progress.update(t, String.format("risk=%.3g margin=%.3g", e.risk(), e.margin()));
                }
                if (t == steps) {
                    break;
                }
                double stepLoss = e.risk();
                if (minibatch) {
                    drawBatch(perm, batch, batchRng);
                    stepLoss = net.evaluate(w, g, batch).risk();
                }
                gTensor.doubles().put(g);
                optimizer.step(List.of(wTensor), List.of(gTensor), new StepInfo(t, steps, stepLoss));
            }
        }
        Map<String, Double> summary = new LinkedHashMap<>();
        e.asMap().forEach((k, v) -> summary.put("final_" + k, v));
        summary.put("phase_transition_step", (double) tracker.phaseTransitionStep());
        summary.put("risk_increases", (double) tracker.riskIncreases());
        summary.put("steps_to_target", (double) tracker.stepsToTarget());
        summary.put("normalized_margin_at_transition", tracker.marginAtTransition());
        summary.put("max_risk", tracker.maxRisk());
        return new TaskResult(summary);
    }

    private static int[] identity(int n) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        return p;
    }

    /** Partial Fisher-Yates: the first {@code batch.length} entries of a fresh shuffle of {@code perm}. */
    private static void drawBatch(int[] perm, int[] batch, SplittableRandom rng) {
        for (int i = 0; i < batch.length; i++) {
            int j = i + rng.nextInt(perm.length - i);
            int tmp = perm[i];
            perm[i] = perm[j];
            perm[j] = tmp;
            batch[i] = perm[i];
        }
    }
}
