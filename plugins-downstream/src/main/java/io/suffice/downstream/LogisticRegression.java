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
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.twolayer.Activation;

import java.nio.DoubleBuffer;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Binary logistic regression trained by the run's optimizer on the run's (finite) dataset: the linear model, the
 * degenerate case of the large-stepsize paper. Model {@code f(x) = w . x}, empirical risk
 * {@code L(w) = (1/n) sum_i softplus(-y_i f(x_i))} (softplus keeps huge margins of either sign finite), gradient
 * {@code -(1/n) sum_i y_i sigmoid(-y_i f(x_i)) x_i}, normalized margin {@code min_i y_i f(x_i) / ||w||}.
 * Reads fields {@code x} [n, d] and {@code y} [n] (labels +-1); starts from {@code w = 0}. Diagnostics as in
 * {@link TwoLayerGd} (summary keys without the {@code final_} prefix); a non-finite value stops the run with a
 * {@link TrainingDivergedException}.
 */
public final class LogisticRegression implements DownstreamTask {
    private final long steps;
    private final long logEvery;
    private final double targetRisk;

    public LogisticRegression(long steps, long logEvery, double targetRisk) {
        this.steps = steps;
        this.logEvery = logEvery;
        this.targetRisk = targetRisk;
    }

    @Override
    public TaskResult run(RunContext context) {
        Batch data = context.dataset().all();
        double[] x = data.get("x").toDoubleArray();
        double[] y = data.get("y").toDoubleArray();
        int n = y.length;
        int d = x.length / n;
        Optimizer optimizer = context.optimizer();
        HostTensor w = HostTensor.of(new double[d], d);
        HostTensor g = HostTensor.of(new double[d], d);
        MetricsSink metrics = context.metrics();

        PhaseTransitionTracker tracker = new PhaseTransitionTracker(targetRisk);
        Map<String, Double> lastFinite = null;
        Evaluation e = null;
        try (Progress progress = context.progress("logistic regression", steps)) {
            for (long t = 0; t <= steps; t++) {
                e = evaluate(w.doubles(), g.doubles(), x, y, n, d);
                Map<String, Double> values = e.asMap();
                TrainingDivergedException.requireFinite(t, values, lastFinite);
                lastFinite = values;
                tracker.observe(t, e.risk(), e.margin());
                if (t % logEvery == 0 || t == steps) {
                    metrics.log(t, values);
                    progress.update(t, String.format("risk=%.3g margin=%.3g", e.risk(), e.margin()));
                }
                if (t < steps) {
                    optimizer.step(List.of(w), List.of(g), new StepInfo(t, steps, e.risk()));
                }
            }
        }
        Map<String, Double> summary = new LinkedHashMap<>(e.asMap());
        summary.put("phase_transition_step", (double) tracker.phaseTransitionStep());
        summary.put("risk_increases", (double) tracker.riskIncreases());
        summary.put("steps_to_target", (double) tracker.stepsToTarget());
        return new TaskResult(summary);
    }

    /** Risk, gradient (written into {@code grad}), norms and normalized margin at {@code w}. */
    private static Evaluation evaluate(DoubleBuffer w, DoubleBuffer grad, double[] x, double[] y, int n, int d) {
        double[] gsum = new double[d];
        double risk = 0;
        double minMargin = Double.POSITIVE_INFINITY;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            double f = 0;
            for (int j = 0; j < d; j++) {
                f += w.get(j) * x[i * d + j];
            }
            double margin = y[i] * f;
            minMargin = Math.min(minMargin, margin);
            correct += margin > 0 ? 1 : 0;
            risk += Activation.softplus(-margin);
            double coef = -y[i] * Activation.sigmoid(-margin) / n;
            for (int j = 0; j < d; j++) {
                gsum[j] += coef * x[i * d + j];
            }
        }
        double g2 = 0;
        double w2 = 0;
        for (int j = 0; j < d; j++) {
            grad.put(j, gsum[j]);
            g2 += gsum[j] * gsum[j];
            w2 += w.get(j) * w.get(j);
        }
        double wn = Math.sqrt(w2);
        return new Evaluation(risk / n, Math.sqrt(g2), wn, wn > 0 ? minMargin / wn : 0, correct / (double) n);
    }
}
