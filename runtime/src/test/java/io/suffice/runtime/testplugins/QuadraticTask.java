package io.suffice.runtime.testplugins;

import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.HostTensor;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;

/** Test task: minimises 0.5 * (w - 3)^2 from w = 0 with the run's optimizer; reports the final w. */
public final class QuadraticTask implements DownstreamTask {
    private final long steps;

    QuadraticTask(long steps) {
        this.steps = steps;
    }

    @Override
    public TaskResult run(RunContext context) {
        LoggerFactory.getLogger(QuadraticTask.class).debug("quadratic task starts, seed {}", context.seed());
        Optimizer opt = context.optimizer();
        HostTensor w = HostTensor.of(new double[]{0}, 1);
        HostTensor g = HostTensor.of(new double[]{0}, 1);
        for (long t = 0; t < steps; t++) {
            double wv = w.doubles().get(0);
            double loss = 0.5 * (wv - 3) * (wv - 3);
            g.doubles().put(0, wv - 3);
            context.metrics().log(t, Map.of("loss", loss));
            opt.step(List.of(w), List.of(g), new StepInfo(t, steps, loss));
        }
        return new TaskResult(Map.of("w", w.doubles().get(0)));
    }
}
