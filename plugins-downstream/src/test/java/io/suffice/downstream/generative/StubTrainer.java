package io.suffice.downstream.generative;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * TEMPORARY, until the runtime's training core lands on main: a minimal in-memory implementation of the
 * {@link Trainer} contract (measure at t = 0..steps, update for t < steps, rows at t % logEvery == 0 and at the
 * last step, window means) without checkpoints, resume or export, so the generative tasks' plans can be run in
 * tests. Replaced by the core's trainer in {@link EngineRunContext}.
 */
final class StubTrainer implements Trainer {
    private final RunContext ctx;

    StubTrainer(RunContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public TrainingResult fit(TrainingPlan plan) {
        List<Value> trained = new ArrayList<>();
        for (Value p : plan.graph().parameters()) {
            if (!plan.frozen().contains(p.name())) {
                trained.add(p);
            }
        }
        List<Value> grads = ctx.differentiator().gradients(plan.objective(), trained);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss:" + plan.lossName(), plan.loss());
        plan.metrics().forEach((k, v) -> outs.put("metric:" + k, v));
        for (int i = 0; i < trained.size(); i++) {
            outs.put("grad:" + trained.get(i).name(), grads.get(i));
        }
        List<Value> inputs = new ArrayList<>(plan.graph().parameters());
        inputs.addAll(plan.inputs());
        Map<String, ArrayDeque<Double>> windows = new LinkedHashMap<>();
        Map<String, Double> last = Map.of();
        Optimizer opt = plan.optimizer();
        List<HostTensor> params = new ArrayList<>();
        trained.forEach(p -> params.add(plan.store().get(p.name())));
        double rowSum = 0;
        int rowCount = 0;
        long t0 = System.nanoTime();
        try (Executable step = ctx.executor().compile(plan.graph(), inputs, outs)) {
            for (long t = 0; t <= plan.steps(); t++) {
                Map<String, HostTensor> feeds = new LinkedHashMap<>(plan.store().asMap());
                feeds.putAll(plan.batches().batch(t));
                feeds.keySet().retainAll(step.inputNames());
                Map<String, HostTensor> r = step.run(feeds);
                Map<String, Double> values = new LinkedHashMap<>();
                values.put(plan.lossName(), r.get("loss:" + plan.lossName()).toDoubleArray()[0]);
                plan.metrics().keySet().forEach(k -> values.put(k, r.get("metric:" + k).toDoubleArray()[0]));
                TrainingDivergedException.requireFinite(t, values, last.isEmpty() ? null : last);
                last = values;
                final long at = t;
                plan.listeners().values().forEach(l -> l.onMeasurement(at, values));
                if (t < plan.steps()) {
                    values.forEach((k, v) -> {
                        ArrayDeque<Double> w = windows.computeIfAbsent(k, x -> new ArrayDeque<>());
                        w.addLast(v);
                        if (w.size() > plan.window()) {
                            w.removeFirst();
                        }
                    });
                }
                rowSum += values.get(plan.lossName());
                rowCount++;
                if (!plan.auxiliary() && (t % plan.logEvery() == 0 || t == plan.steps())) {
                    Map<String, Double> row = new LinkedHashMap<>(values);
                    if (plan.logEvery() > 1) {
                        row.put(plan.lossName() + "_mean", rowSum / rowCount);
                    }
                    row.put("steps_per_s", t / ((System.nanoTime() - t0) / 1e9));
                    ctx.metrics().log(t, row);
                    rowSum = 0;
                    rowCount = 0;
                }
                if (t < plan.steps()) {
                    List<HostTensor> g = new ArrayList<>();
                    trained.forEach(p -> g.add(r.get("grad:" + p.name())));
                    opt.step(params, g, new StepInfo(t, plan.steps(), values.get(plan.lossName())));
                }
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        windows.forEach((k, w) -> means.put(k, w.stream().mapToDouble(Double::doubleValue).average().orElse(0)));
        return new TrainingResult(0, plan.steps(), plan.steps() / ((System.nanoTime() - t0) / 1e9), means, last);
    }

    @Override
    public Map<String, HostTensor> parameters(Path source) {
        throw new UnsupportedOperationException("the stub trainer reads no checkpoints");
    }

    @Override
    public Optional<ResumePoint> resumePoint() {
        return Optional.empty();
    }
}
