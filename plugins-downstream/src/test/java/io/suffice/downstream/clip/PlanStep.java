package io.suffice.downstream.clip;

import io.suffice.api.graph.Executor;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingPlan;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.TrainStep;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The training core's compiled step of a {@link TrainingPlan} ({@link TrainStep#of}), run without an update, for
 * checks of a plan's graph: loss, objective, metrics and gradients at the store's current values. Copies every
 * result, so results of successive runs can be compared.
 */
final class PlanStep implements AutoCloseable {
    private final TrainingPlan plan;
    private final TrainStep step;

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
        this.step = TrainStep.of(executor, Autodiff.standard(), plan);
    }

    /** Names of the differentiated parameters, in store order. */
    List<String> trainable() {
        return step.trainable();
    }

    /** The step on the plan's batch of step {@code t} at the store's current values. */
    Result run(long t) {
        TrainStep.Result r = step.run(plan.batches().batch(t));
        Map<String, Double> metrics = new LinkedHashMap<>();
        plan.metrics().keySet().forEach(k -> metrics.put(k, r.metrics().get(k)));
        Map<String, HostTensor> grads = new LinkedHashMap<>();
        for (int i = 0; i < step.trainable().size(); i++) {
            grads.put(step.trainable().get(i), r.gradients().get(i).copy());
        }
        return new Result(r.loss(), r.objective(), metrics, grads);
    }

    @Override
    public void close() {
        step.close();
    }
}
