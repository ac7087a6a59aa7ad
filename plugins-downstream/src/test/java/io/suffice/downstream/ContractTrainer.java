package io.suffice.downstream;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.train.TrainingListener;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A minimal {@link Trainer} for tests, written to the api contract while the runtime's training core is not on this
 * branch: differentiate the objective with the engine's autodiff, compile loss, metrics, gradient metrics and
 * gradients as one ONNX Runtime model, then for {@code t = 0..steps} measure at the parameters after {@code t}
 * updates (one run on {@code batch(t)}), stop at the first non-finite value, notify the listeners, log a row when
 * {@code t % logEvery == 0} or {@code t == steps}, and (for {@code t < steps}) apply the optimizer. No checkpoints,
 * resume, signals or export. To be replaced by the runtime's trainer once it lands.
 */
final class ContractTrainer implements Trainer {
    private final MetricsSink sink;

    ContractTrainer(MetricsSink sink) {
        this.sink = sink;
    }

    @Override
    public TrainingResult fit(TrainingPlan plan) {
        Graph g = plan.graph();
        List<String> trainable = plan.store().names().stream().filter(n -> !plan.frozen().contains(n)).toList();
        List<Value> params = trainable.stream().map(g::find).toList();
        List<Value> grads = Autodiff.standard().gradients(plan.objective(), params);
        Map<String, Value> outputs = new LinkedHashMap<>();
        outputs.put("objective", plan.objective());
        outputs.put(plan.lossName(), plan.loss());
        outputs.putAll(plan.metrics());
        if (plan.gradientMetrics() != null) {
            Map<String, Value> byName = new LinkedHashMap<>();
            for (int k = 0; k < params.size(); k++) {
                byName.put(trainable.get(k), grads.get(k));
            }
            outputs.putAll(plan.gradientMetrics().of(g, byName));
        }
        for (int k = 0; k < params.size(); k++) {
            outputs.put("grad:" + trainable.get(k), grads.get(k));
        }
        List<Value> inputs = new ArrayList<>(plan.inputs());
        plan.store().names().forEach(n -> inputs.add(g.find(n)));
        List<HostTensor> live = trainable.stream().map(plan.store()::get).toList();
        Map<String, Double> values = null;
        Map<String, Double> lastFinite = null;
        Map<String, List<Double>> window = new LinkedHashMap<>();
        long start = System.nanoTime();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             Executable step = ex.compile(g, inputs, outputs)) {
            for (long t = 0; t <= plan.steps(); t++) {
                Map<String, HostTensor> feeds = new HashMap<>(plan.store().asMap());
                feeds.putAll(plan.batches().batch(t));
                Map<String, HostTensor> out = step.run(feeds);
                values = new LinkedHashMap<>();
                for (String name : outputs.keySet()) {
                    if (!name.equals("objective") && !name.startsWith("grad:")) {
                        values.put(name, scalar(out.get(name)));
                    }
                }
                TrainingDivergedException.requireFinite(t, values, lastFinite);
                lastFinite = values;
                for (TrainingListener l : plan.listeners().values()) {
                    l.onMeasurement(t, values);
                }
                if (!plan.auxiliary() && (t % plan.logEvery() == 0 || t == plan.steps())) {
                    sink.log(t, values);
                }
                if (t > 0) {
                    values.forEach((k, v) -> {
                        List<Double> w = window.computeIfAbsent(k, key -> new ArrayList<>());
                        w.add(v);
                        if (w.size() > plan.window()) {
                            w.remove(0);
                        }
                    });
                }
                if (t < plan.steps()) {
                    List<HostTensor> gs = trainable.stream().map(n -> out.get("grad:" + n)).toList();
                    plan.optimizer().step(live, gs,
                            new StepInfo(t, plan.steps(), scalar(out.get("objective"))));
                }
            }
        }
        Map<String, Double> means = new LinkedHashMap<>();
        window.forEach((k, w) -> means.put(k, w.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN)));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new TrainingResult(0, plan.steps(), plan.steps() / seconds, means, values);
    }

    private static double scalar(HostTensor t) {
        return t.toDoubleArray()[0];
    }

    @Override
    public Map<String, HostTensor> parameters(Path source) {
        throw new UnsupportedOperationException("the test trainer reads no checkpoints");
    }

    @Override
    public Optional<ResumePoint> resumePoint() {
        return Optional.empty();
    }
}
