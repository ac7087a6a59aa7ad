package io.suffice.downstream.generative;

import io.suffice.api.graph.ParameterStore;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingDivergedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;

/**
 * The online training loop of the generative tasks: a fresh batch every step, one compiled {@link TrainStep}, the
 * run's optimizer. Step {@code t}'s batch is drawn from the {@code t}-th {@code split()} of the task's data stream,
 * so a run resumed at step {@code k} (the stream fast-forwarded by {@code k} splits) repeats the uninterrupted one.
 * Metrics rows every {@code logEvery} steps: {@code loss}, {@code loss_mean} (since the last row), the requested extra
 * scalars, {@code steps_per_s}. A non-finite loss stops the run with a {@link TrainingDivergedException}.
 * <p>
 * Checkpoints ({@link GenerativeCheckpoint}) are written every {@link Saving#every} steps and after the last step;
 * a run resumed from a checkpoint at {@code steps} trains nothing and writes none.
 *
 * @param label  progress label
 * @param extras scalar outputs of the step to log beside the loss (each also averaged over the last 100 steps)
 */
public record TrainingLoop(String label, long steps, long logEvery, List<String> extras) {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingLoop.class);
    /** Losses in the reported window (the paper's "last 100"). */
    public static final int WINDOW = 100;

    /**
     * The reported figures: the mean of the last 100 losses (the paper's risk) and of each extra, the training speed
     * (NaN when no step was taken) and the number of steps this run took (0 when it only evaluates a checkpoint).
     */
    public record Outcome(double lossLast100, Map<String, Double> extrasLast100, double stepsPerSecond,
                          long stepsTaken) {
    }

    /**
     * Where and how often to write checkpoints, and what besides the model and optimizer goes into them.
     *
     * @param file    {@code <run folder>/checkpoint.bin}
     * @param every   steps between checkpoints (0: only after the last step)
     * @param frozen  the frozen tower's parameters (empty unless conditioning is frozen)
     * @param figures summary scalars to carry into a resumed run's summary
     */
    public record Saving(Path file, long every, Map<String, HostTensor> frozen, Map<String, Double> figures) {
    }

    /**
     * Trains from step 0 (or from {@code resume}'s step) to {@code steps}.
     *
     * @param stream  the data stream: step {@code t} receives its {@code t}-th split
     * @param batches the inputs of a step (a fresh batch) from that step's random source
     * @param resume  the checkpoint to continue from (model parameters, optimizer state, loss windows), or null
     * @param saving  where to write checkpoints, or null for none
     */
    public Outcome run(RunContext ctx, TrainStep step, ParameterStore store, Optimizer optimizer,
                       SplittableRandom stream, Function<SplittableRandom, Map<String, HostTensor>> batches,
                       Resume resume, Saving saving) throws IOException {
        long start = 0;
        LossWindow window = new LossWindow(WINDOW);
        Map<String, LossWindow> extraWindows = new LinkedHashMap<>();
        extras.forEach(e -> extraWindows.put(e, new LossWindow(WINDOW)));
        if (resume != null) {
            GenerativeCheckpoint c = resume.checkpoint();
            c.loadModel(resume.file(), store);
            optimizer.restore(c.optim());
            window = c.window(GenerativeCheckpoint.LOSS, WINDOW);
            extras.forEach(e -> extraWindows.put(e, c.window(e, WINDOW)));
            start = c.step();
            for (long i = 0; i < start; i++) {
                stream.split();
            }
            LOG.info("{}: resumed from {} at step {} of {}{}", label, resume.file(), start, steps,
                    start == steps ? " (evaluation only)" : "");
        }
        double lastFinite = Double.NaN;
        double windowSum = 0;
        int windowCount = 0;
        long t0 = System.nanoTime();
        long tLog = t0;
        try (Progress progress = start < steps ? ctx.progress(label, steps) : null) {
            for (long t = start; t < steps; t++) {
                double loss = step.run(batches.apply(stream.split()));
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
                boolean last = t == steps - 1;
                if ((t + 1) % logEvery == 0 || last) {
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
                if (saving != null && (last || saving.every() > 0 && (t + 1) % saving.every() == 0)) {
                    Map<String, LossWindow> all = new LinkedHashMap<>();
                    all.put(GenerativeCheckpoint.LOSS, window);
                    all.putAll(extraWindows);
                    GenerativeCheckpoint.capture(t + 1, store, saving.frozen(), optimizer, all, saving.figures())
                            .write(saving.file());
                }
                progress.update(t + 1, String.format(Locale.ROOT, "loss=%.4f", loss));
            }
        }
        Map<String, Double> ex = new LinkedHashMap<>();
        extraWindows.forEach((k, w) -> ex.put(k, w.mean()));
        long taken = steps - start;
        double rate = taken == 0 ? Double.NaN : taken / ((System.nanoTime() - t0) / 1e9);
        return new Outcome(window.mean(), ex, rate, taken);
    }
}
