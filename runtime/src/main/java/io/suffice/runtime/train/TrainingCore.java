package io.suffice.runtime.train;

import io.suffice.api.graph.Executor;
import io.suffice.api.io.AtomicFiles;
import io.suffice.api.task.Progress;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.Trainer;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.train.TrainingListener;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.Checkpoint;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.engine.TrainStep;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The one training loop of suffice (compare DJL's {@code EasyTrain.fit}): every task that trains hands it a
 * {@link TrainingPlan}. For {@code t = start .. steps} it measures the plan's loss and metrics at the parameters after
 * {@code t} updates on {@code batches.batch(t)}, stops at the first non-finite value, tells the listeners, and for
 * {@code t < steps} lets the optimizer apply update {@code t}. It writes a metrics row when {@code t % logEvery == 0}
 * and at {@code t = steps}, a checkpoint ({@value ResumeSource#FILE}) before measurement {@code t} when
 * {@code t % run.checkpoint-every == 0} and before the last one, and on SIGTERM/SIGINT; a resumed run restores
 * parameters, optimizer state and loop state from one and repeats the uninterrupted run exactly, because batches
 * depend only on the step. At the end it writes the plan's exports when {@code run.export} asks for them.
 * <p>
 * One instance per run; used by the task's thread.
 */
public final class TrainingCore implements Trainer {
    private static final Logger LOG = LoggerFactory.getLogger(TrainingCore.class);
    private static final String STEPS_PER_S = "steps_per_s";
    private static final String MEAN = "_mean";

    private final RunIdentity run;
    private final Supplier<Executor> executor;
    private final Autodiff autodiff;
    private final RunMetrics metrics;
    private final ProgressFactory progress;
    private final StopSignal stop;
    private final ResumeSource resume;
    private Checkpoint resumed;
    private boolean resumeUsed;

    /** Makes a progress indicator for a loop that starts at {@code start} of {@code total} units. */
    @FunctionalInterface
    public interface ProgressFactory {
        Progress open(String label, long start, long total);
    }

    /** The metrics sink of the run, able to open with a parent run's rows. */
    public interface RunMetrics {
        void log(long step, Map<String, Double> values);

        /** Writes the rows of {@code parentCsv} with a step below {@code before} first (once, before any row). */
        void continueFrom(Path parentCsv, long before);

        /**
         * Writes buffered rows to disk. Called before each checkpoint, so that the history on disk covers every
         * checkpoint even when the process is killed afterwards (a resumed run keeps the rows before its step).
         */
        default void flush() {
        }
    }

    /**
     * @param run      the run folder, its settings and identity (config, hash, task)
     * @param resume   the checkpoint to continue from, or null
     */
    public TrainingCore(RunIdentity run, Supplier<Executor> executor, Autodiff autodiff, RunMetrics metrics,
                        ProgressFactory progress, StopSignal stop, ResumeSource resume) {
        this.run = run;
        this.executor = executor;
        this.autodiff = autodiff;
        this.metrics = metrics;
        this.progress = progress;
        this.stop = stop;
        this.resume = resume;
    }

    /**
     * A core outside the CLI's run machinery (tests, code that embeds suffice): checkpoints into {@code dir} every
     * {@code checkpointEvery} steps and at the end, resumes from {@code resume} (a run folder or checkpoint file, or
     * null), exports {@code export} formats into {@code dir}; metrics rows go to {@code sink} (a resumed run's rows
     * start at the checkpoint's step); no signal handling, progress or history.
     */
    public static TrainingCore standalone(Path dir, Executor executor, io.suffice.api.task.MetricsSink sink,
                                          long checkpointEvery, Path resume, List<String> export, String task,
                                          String config) {
        RunIdentity id = new RunIdentity(dir, dir, checkpointEvery, export, RunIdentity.metadata(task, config));
        RunMetrics m = new RunMetrics() {
            @Override
            public void log(long step, Map<String, Double> values) {
                sink.log(step, values);
            }

            @Override
            public void continueFrom(Path parentCsv, long before) {
            }
        };
        ProgressFactory quiet = (label, start, total) -> new Progress() {
            @Override
            public void update(long done, String message) {
            }

            @Override
            public void close() {
            }
        };
        return new TrainingCore(id, () -> executor, Autodiff.standard(), m, quiet, StopSignal.none(),
                resume == null ? null : ResumeSource.of(resume, ""));
    }

    @Override
    public Map<String, HostTensor> parameters(Path source) {
        Path file = Files.isDirectory(source) ? source.resolve(ResumeSource.FILE) : source;
        Checkpoint c = Checkpoints.read(file);
        if (c.params().isEmpty()) {
            throw new Checkpoints.CheckpointException(file, "holds no parameters");
        }
        return c.params();
    }

    @Override
    public Optional<ResumePoint> resumePoint() {
        Checkpoint c = resumedCheckpoint();
        return c == null ? Optional.empty() : Optional.of(new ResumePoint(c.step(), c.carried()));
    }

    private Checkpoint resumedCheckpoint() {
        if (resume != null && resumed == null) {
            resumed = Checkpoints.read(resume.checkpoint());
        }
        return resumed;
    }

    @Override
    public TrainingResult fit(TrainingPlan plan) {
        Loop loop = new Loop(plan);
        long start = 0;
        if (!plan.auxiliary() && resume != null && !resumeUsed) {
            resumeUsed = true;
            start = loop.restore(resumedCheckpoint());
        }
        if (run.mode() == RunIdentity.Mode.EXPORT && !plan.auxiliary()) {
            if (resume == null) {
                throw new IllegalStateException("suffice export needs a checkpoint to restore");
            }
            new RunExports(run).write(plan, start, resumedCheckpoint().metadata());
            throw new ExportFinished(start);
        }
        try (TrainStep step = TrainStep.of(executor.get(), autodiff, plan)) {
            return loop.run(step, start);
        }
    }

    /** The state of one {@link #fit}. */
    private final class Loop {
        private final TrainingPlan plan;
        private final Map<String, Window> windows = new LinkedHashMap<>();
        private final Map<String, Double> rowSums = new LinkedHashMap<>();
        private long rowCount;
        private Map<String, Double> lastFinite = Map.of();

        Loop(TrainingPlan plan) {
            this.plan = plan;
        }

        long restore(Checkpoint c) {
            if (c.step() > plan.steps()) {
                throw new IllegalArgumentException("checkpoint " + resume.checkpoint() + " is at step " + c.step()
                        + ", beyond the " + plan.steps() + " steps of this run (set task.steps to at least "
                        + c.step() + "; equal: evaluate only)");
            }
            long step = Checkpoints.restore(c, resume.checkpoint(), plan.store(), plan.optimizer());
            String json = c.metadata().get("loop");
            if (json == null) {
                throw new Checkpoints.CheckpointException(resume.checkpoint(), "holds no loop state");
            }
            LoopState s;
            try {
                s = LoopState.fromJson(json);
            } catch (IllegalArgumentException e) {
                throw new Checkpoints.CheckpointException(resume.checkpoint(), e.getMessage());
            }
            s.windows().forEach((k, v) -> window(k).restore(v));
            rowSums.putAll(s.rowSums());
            rowCount = s.rowCount();
            lastFinite = s.lastFinite();
            for (var e : plan.listeners().entrySet()) {
                e.getValue().restore(s.listeners().getOrDefault(e.getKey(), new double[0]));
            }
            if (resume.history() != null) {
                metrics.continueFrom(resume.history(), step);
            }
            LOG.info("{}: resumed from {} at step {} of {}{}", plan.label(), resume.checkpoint(), step, plan.steps(),
                    step == plan.steps() ? " (evaluation only)" : "");
            return step;
        }

        private Window window(String name) {
            return windows.computeIfAbsent(name, k -> new Window(plan.window()));
        }

        TrainingResult run(TrainStep step, long start) {
            long steps = plan.steps();
            long t0 = System.nanoTime();
            long tRow = t0;
            long rowStart = start;
            Map<String, Double> values = Map.of();
            String message = "";
            boolean bench = run.mode() == RunIdentity.Mode.BENCH && !plan.auxiliary();
            long[] nanos = new long[(int) (bench ? steps : 0)];
            long[] batchNanos = new long[nanos.length];
            try (Progress bar = progress.open(plan.label(), start, steps)) {
                for (long t = start; t <= steps; t++) {
                    long tStart = System.nanoTime();
                    if (bench && t == steps) {
                        throw new BenchFinished(nanos, batchNanos);
                    }
                    StopSignal.Received signal = stop.received();
                    if (signal != null) {
                        Path file = plan.auxiliary() ? null : checkpoint(t);
                        throw new TrainingInterruptedException(signal, t, file);
                    }
                    if (!plan.auxiliary() && !bench && t > start && (t == steps
                            || run.checkpointEvery() > 0 && t % run.checkpointEvery() == 0)) {
                        checkpoint(t);
                    }
                    var batch = plan.batches().batch(t);
                    long tBatch = System.nanoTime();
                    TrainStep.Result r = step.run(batch);
                    values = new LinkedHashMap<>();
                    values.put(plan.lossName(), r.loss());
                    values.putAll(r.metrics());
                    boolean finite = Double.isFinite(r.objective());
                    for (double v : values.values()) {
                        finite &= Double.isFinite(v);
                    }
                    if (!finite) {
                        Map<String, Double> report = new LinkedHashMap<>(values);
                        if (plan.objective() != plan.loss()) {
                            report.put("objective", r.objective());
                        }
                        throw new TrainingDivergedException(t, report, lastFinite.isEmpty() ? null : lastFinite);
                    }
                    lastFinite = values;
                    for (TrainingListener l : plan.listeners().values()) {
                        l.onMeasurement(t, values);
                    }
                    values.forEach((k, v) -> rowSums.merge(k, v, Double::sum));
                    rowCount++;
                    if (t < steps) {
                        values.forEach((k, v) -> window(k).add(v));
                    }
                    boolean evaluate = plan.evaluator() != null && plan.evaluateEvery() > 0
                            && (t % plan.evaluateEvery() == 0 || t == steps);
                    if (t % plan.logEvery() == 0 || t == steps || evaluate) {
                        long now = System.nanoTime();
                        if (!plan.auxiliary()) {
                            Map<String, Double> row = row(values, t > rowStart ? (t - rowStart) / ((now - tRow) / 1e9)
                                    : Double.NaN);
                            if (evaluate) {
                                row.putAll(plan.evaluator().evaluate(t));
                            }
                            metrics.log(t, row);
                        }
                        rowSums.clear();
                        rowCount = 0;
                        tRow = now;
                        rowStart = t;
                    }
                    if (t < steps) {
                        step.update(r, plan.optimizer(), t, steps);
                    }
                    if (t % plan.logEvery() == 0 || t == steps || message.isEmpty()) {
                        // formatted at the rows only: the bar redraws a few times a second, steps may be microseconds
                        message = String.format(Locale.ROOT, "%s=%.4g", plan.lossName(), r.loss());
                    }
                    bar.update(t, message);
                    if (bench) {
                        nanos[(int) t] = System.nanoTime() - tStart;
                        batchNanos[(int) t] = tBatch - tStart;
                    }
                }
            }
            long taken = steps - start;
            double rate = taken == 0 ? Double.NaN : taken / ((System.nanoTime() - t0) / 1e9);
            Map<String, Double> means = new LinkedHashMap<>();
            values.keySet().forEach(k -> means.put(k, window(k).mean()));
            if (!plan.auxiliary() && !run.export().isEmpty()) {
                new RunExports(run).write(plan, steps);
            }
            return new TrainingResult(start, steps, rate, means, values);
        }

        /** The metrics row at {@code t}: its values, the means since the last row, the speed. */
        private Map<String, Double> row(Map<String, Double> values, double rate) {
            Map<String, Double> row = new LinkedHashMap<>(values);
            if (plan.logEvery() > 1) {
                row.put(plan.lossName() + MEAN, rowSums.get(plan.lossName()) / rowCount);
            }
            row.put(STEPS_PER_S, rate);
            return row;
        }

        /** Writes the checkpoint of the state before measurement {@code t}; returns its path. */
        private Path checkpoint(long t) {
            metrics.flush();
            Map<String, double[]> w = new LinkedHashMap<>();
            windows.forEach((k, v) -> w.put(k, v.state()));
            Map<String, double[]> l = new LinkedHashMap<>();
            plan.listeners().forEach((k, v) -> l.put(k, v.state()));
            LoopState state = new LoopState(w, rowSums, rowCount, lastFinite, l);
            Map<String, String> meta = new LinkedHashMap<>(run.metadata());
            meta.put("label", plan.label());
            meta.put("loop", state.toJson());
            Path file = run.directory().resolve(ResumeSource.FILE);
            try {
                Checkpoints.write(file, Checkpoints.capture(t, plan.store(), plan.optimizer(), plan.carried(),
                        meta));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write checkpoint " + file + ": " + e.getMessage(), e);
            }
            LOG.debug("{}: checkpoint at step {} in {}", plan.label(), t, file);
            return file;
        }
    }

    /** Removes what interrupted writes left in {@code dir} (called when a folder is used again). */
    public static void clean(Path dir) {
        if (Files.isDirectory(dir)) {
            int n = AtomicFiles.removeStaleTemporaries(dir);
            if (n > 0) {
                LOG.info("removed {} temporary file(s) of interrupted writes in {}", n, dir);
            }
        }
    }
}
