package io.suffice.runtime.testplugins;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.TrainingPlan;
import org.slf4j.LoggerFactory;

import java.util.Map;

/**
 * Test task: minimises 0.5 * (w - 3)^2 from w = 0 with the run's optimizer through the training core; reports the
 * final w.
 */
public final class QuadraticTask implements DownstreamTask {
    private final long steps;
    private final long logEvery;

    QuadraticTask(long steps, long logEvery) {
        this.steps = steps;
        this.logEvery = logEvery;
    }

    @Override
    public TaskResult run(RunContext context) {
        LoggerFactory.getLogger(QuadraticTask.class).debug("quadratic task starts, seed {}", context.seed());
        Graph g = new Graph(context.seed());
        Value w = g.parameter("w", DType.FLOAT64, Shape.of(1), Init.zeros());
        Value d = g.sub(w, g.scalar(3, DType.FLOAT64));
        Value loss = g.reduceSum(g.mul(g.mul(d, d), g.scalar(0.5, DType.FLOAT64)), false);
        ParameterStore store = ParameterStore.of(g);
        context.trainer().fit(TrainingPlan.builder("quadratic", g, loss, store, context.optimizer(), t -> Map.of(),
                steps).logEvery(logEvery).build());
        return new TaskResult(Map.of("w", store.get("w").doubles().get(0)));
    }
}
