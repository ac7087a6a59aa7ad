package io.suffice.downstream.clip;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingPlan;
import io.suffice.runtime.engine.Autodiff;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One step of a {@link TrainingPlan} as the training core compiles it, for checks of a plan's graph: the objective
 * differentiated with respect to every store parameter not frozen, compiled with the reported loss and the metrics,
 * fed the live store and the plan's batch of a step. Not a training loop (no update).
 */
final class PlanStep implements AutoCloseable {
    private static final String LOSS = "out:loss";
    private static final String OBJECTIVE = "out:objective";
    private static final String METRIC = "out:metric:";
    private static final String GRAD = "out:grad:";

    private final TrainingPlan plan;
    private final Executable exec;
    private final List<String> trainable = new ArrayList<>();

    /**
     * What one step computed, all copies.
     *
     * @param loss      the reported loss
     * @param objective the differentiated objective
     * @param metrics   the plan's metrics by name
     * @param gradients gradient of the objective per trained parameter, by name in store order
     */
    record Result(double loss, double objective, Map<String, Double> metrics, Map<String, HostTensor> gradients) {
    }

    PlanStep(TrainingPlan plan, Executor executor) {
        this.plan = plan;
        List<Value> params = new ArrayList<>();
        for (Value p : plan.graph().parameters()) {
            if (!plan.frozen().contains(p.name())) {
                params.add(p);
                trainable.add(p.name());
            }
        }
        List<Value> grads = Autodiff.standard().gradients(plan.objective(), params);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put(LOSS, plan.loss());
        outs.put(OBJECTIVE, plan.objective());
        plan.metrics().forEach((k, v) -> outs.put(METRIC + k, v));
        for (int i = 0; i < params.size(); i++) {
            outs.put(GRAD + params.get(i).name(), grads.get(i));
        }
        List<Value> inputs = new ArrayList<>(plan.graph().parameters());
        inputs.addAll(plan.inputs());
        this.exec = executor.compile(plan.graph(), inputs, outs);
    }

    /** Names of the differentiated parameters, in store order. */
    List<String> trainable() {
        return List.copyOf(trainable);
    }

    /** The step on the plan's batch of step {@code t} at the store's current values. */
    Result run(long t) {
        return run(plan.batches().batch(t));
    }

    /** The step on the given inputs at the store's current values. */
    Result run(Map<String, HostTensor> batch) {
        Map<String, HostTensor> feeds = new LinkedHashMap<>(plan.store().asMap());
        feeds.putAll(batch);
        Map<String, HostTensor> out = exec.run(feeds);
        Map<String, Double> metrics = new LinkedHashMap<>();
        plan.metrics().keySet().forEach(k -> metrics.put(k, out.get(METRIC + k).toDoubleArray()[0]));
        Map<String, HostTensor> grads = new LinkedHashMap<>();
        trainable.forEach(p -> grads.put(p, out.get(GRAD + p).copy()));
        return new Result(out.get(LOSS).toDoubleArray()[0], out.get(OBJECTIVE).toDoubleArray()[0], metrics, grads);
    }

    @Override
    public void close() {
        exec.close();
    }
}
