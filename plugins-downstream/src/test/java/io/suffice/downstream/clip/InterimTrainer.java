package io.suffice.downstream.clip;

import io.suffice.api.graph.Executor;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TEMPORARY, until the runtime's training core is on this branch: the core's documented loop semantics (measure at
 * t = 0..steps, divergence stop, update for t < steps, rows at t % logEvery == 0 and at the last step, window means
 * over training steps) so the clip task can be run in tests. No checkpoints, resume or export. Replaced by the core.
 */
public final class InterimTrainer implements Trainer {
    private final Executor executor;
    private final MetricsSink metrics;

    public InterimTrainer(Executor executor, MetricsSink metrics) {
        this.executor = executor;
        this.metrics = metrics;
    }

    @Override
    public TrainingResult fit(TrainingPlan plan) {
        Map<String, Deque<Double>> windows = new LinkedHashMap<>();
        Map<String, Double> lastFinite = null;
        Map<String, Double> values = Map.of();
        double sinceRow = 0;
        int sinceRowCount = 0;
        long t0 = System.nanoTime();
        long tRow = t0;
        try (PlanStep step = new PlanStep(plan, executor)) {
            List<HostTensor> params = step.trainable().stream().map(plan.store()::get).toList();
            for (long t = 0; t <= plan.steps(); t++) {
                PlanStep.Result r = step.run(t);
                values = new LinkedHashMap<>();
                values.put(plan.lossName(), r.loss());
                values.putAll(r.metrics());
                TrainingDivergedException.requireFinite(t, values, lastFinite);
                lastFinite = values;
                for (var l : plan.listeners().values()) {
                    l.onMeasurement(t, values);
                }
                sinceRow += r.loss();
                sinceRowCount++;
                if (t % plan.logEvery() == 0 || t == plan.steps()) {
                    long now = System.nanoTime();
                    Map<String, Double> row = new LinkedHashMap<>(values);
                    if (plan.logEvery() > 1) {
                        row.put(plan.lossName() + "_mean", sinceRow / sinceRowCount);
                    }
                    row.put("steps_per_s", t == 0 ? Double.NaN : sinceRowCount / ((now - tRow) / 1e9));
                    if (!plan.auxiliary()) {
                        metrics.log(t, row);
                    }
                    sinceRow = 0;
                    sinceRowCount = 0;
                    tRow = now;
                }
                if (t < plan.steps()) {
                    values.forEach((k, v) -> {
                        Deque<Double> w = windows.computeIfAbsent(k, x -> new ArrayDeque<>());
                        w.addLast(v);
                        if (w.size() > plan.window()) {
                            w.removeFirst();
                        }
                    });
                    List<HostTensor> grads = new ArrayList<>(r.gradients().values());
                    plan.optimizer().step(params, grads, new StepInfo(t, plan.steps(), r.objective()));
                }
            }
        }
        Map<String, Double> means = new HashMap<>();
        windows.forEach((k, w) -> means.put(k, w.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        return new TrainingResult(0, plan.steps(), plan.steps() / ((System.nanoTime() - t0) / 1e9), means, values);
    }

    @Override
    public Map<String, HostTensor> parameters(Path source) {
        throw new UnsupportedOperationException("the interim trainer reads no checkpoints");
    }

    @Override
    public Optional<ResumePoint> resumePoint() {
        return Optional.empty();
    }
}
