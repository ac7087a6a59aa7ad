package io.suffice.downstream.generative;

import io.suffice.api.graph.ParameterStore;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.TrainingDivergedException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongFunction;

/**
 * The online training loop of the generative tasks: a fresh batch every step, one compiled {@link TrainStep}, the
 * run's optimizer. Metrics rows every {@code logEvery} steps: {@code loss}, {@code loss_mean} (since the last row),
 * the requested extra scalars, {@code steps_per_s}. A non-finite loss stops the run with a
 * {@link TrainingDivergedException}.
 *
 * @param label  progress label
 * @param extras scalar outputs of the step to log beside the loss (each also averaged over the last 100 steps)
 */
public record TrainingLoop(String label, long steps, long logEvery, List<String> extras) {

    /** The reported figures: the mean of the last 100 losses (the paper's risk) and of each extra. */
    public record Outcome(double lossLast100, Map<String, Double> extrasLast100, double stepsPerSecond) {
    }

    /**
     * Trains.
     *
     * @param batches the inputs of step {@code t} (a fresh batch)
     */
    public Outcome run(RunContext ctx, TrainStep step, ParameterStore store, Optimizer optimizer,
                       LongFunction<Map<String, HostTensor>> batches) {
        LossWindow window = new LossWindow(100);
        Map<String, LossWindow> extraWindows = new LinkedHashMap<>();
        extras.forEach(e -> extraWindows.put(e, new LossWindow(100)));
        double lastFinite = Double.NaN;
        double windowSum = 0;
        int windowCount = 0;
        long t0 = System.nanoTime();
        long tLog = t0;
        try (Progress progress = ctx.progress(label, steps)) {
            for (long t = 0; t < steps; t++) {
                double loss = step.run(batches.apply(t));
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException(t, Map.of("loss", loss),
                            Double.isNaN(lastFinite) ? null : Map.of("loss", lastFinite));
                }
                optimizer.step(store.tensors(), step.gradients(), new StepInfo(t, steps, loss));
                lastFinite = loss;
                window.add(loss);
                extraWindows.forEach((k, w) -> w.add(step.scalar(k)));
                windowSum += loss;
                windowCount++;
                if ((t + 1) % logEvery == 0 || t == steps - 1) {
                    long now = System.nanoTime();
                    Map<String, Double> row = new LinkedHashMap<>();
                    row.put("loss", loss);
                    row.put("loss_mean", windowSum / windowCount);
                    for (String e : extras) {
                        row.put(e, step.scalar(e));
                    }
                    row.put("steps_per_s", windowCount / ((now - tLog) / 1e9));
                    ctx.metrics().log(t + 1, row);
                    windowSum = 0;
                    windowCount = 0;
                    tLog = now;
                }
                progress.update(t + 1, String.format(Locale.ROOT, "loss=%.4f", loss));
            }
        }
        Map<String, Double> ex = new LinkedHashMap<>();
        extraWindows.forEach((k, w) -> ex.put(k, w.mean()));
        return new Outcome(window.mean(), ex, steps / ((System.nanoTime() - t0) / 1e9));
    }
}
