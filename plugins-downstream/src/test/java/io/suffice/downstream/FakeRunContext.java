package io.suffice.downstream;

import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.train.Trainer;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.train.TrainingCore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A run context for in-process runs of a task: a fixed dataset, a fresh optimizer per {@link #optimizer()} call, the
 * runtime's training core ({@link TrainingCore#standalone}, with optional checkpoints and resume) and metrics kept in
 * memory ({@link #rows()}).
 */
final class FakeRunContext implements RunContext {
    /** One metrics row. */
    record Row(long step, Map<String, Double> values) {
    }

    private final Dataset dataset;
    private final Supplier<Optimizer> optimizers;
    private final long seed;
    /** One executor for every context of the test JVM; the core closes each compiled step after its run. */
    private static final OrtExecutor EXECUTOR = new OrtExecutor(ExecutionConfig.defaults());

    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());
    private Path directory;
    private long checkpointEvery;
    private Path resume;
    private Trainer trainer;

    FakeRunContext(Dataset dataset, Supplier<Optimizer> optimizers, long seed) {
        this.dataset = dataset;
        this.optimizers = optimizers;
        this.seed = seed;
    }

    List<Row> rows() {
        return List.copyOf(rows);
    }

    /** The logged series of one metric. */
    double[] series(String metric) {
        return rows().stream().mapToDouble(r -> r.values().get(metric)).toArray();
    }

    /** A fresh folder per context (the core writes its checkpoint there), removed when the JVM exits. */
    @Override
    public synchronized Path directory() {
        if (directory == null) {
            try {
                directory = Files.createTempDirectory("suffice-fake-run");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Path dir = directory;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try (Stream<Path> files = Files.walk(dir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                } catch (IOException ignored) {
                    // best effort
                }
            }));
        }
        return directory;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public Dataset dataset() {
        return dataset;
    }

    @Override
    public Optimizer optimizer() {
        return optimizers.get();
    }

    @Override
    public Encoder encoder() {
        throw new IllegalStateException("no encoder section");
    }

    @Override
    public MetricsSink metrics() {
        return (step, values) -> rows.add(new Row(step, Map.copyOf(values)));
    }

    /** Checkpoints every {@code n} steps (and at the end), as {@code run.checkpoint-every}. */
    FakeRunContext checkpointEvery(long n) {
        this.checkpointEvery = n;
        return this;
    }

    /** Resumes from a run folder or checkpoint file, as {@code run.resume}. */
    FakeRunContext resume(Path from) {
        this.resume = from;
        return this;
    }

    /** The runtime's training core, checkpointing into {@link #directory()}, metrics rows into {@link #rows()}. */
    @Override
    public synchronized Trainer trainer() {
        if (trainer == null) {
            trainer = TrainingCore.standalone(directory(), EXECUTOR, metrics(), checkpointEvery, resume, List.of(),
                    "test", "test: {}\n");
        }
        return trainer;
    }

    @Override
    public Progress progress(String label, long total) {
        return new Progress() {
            @Override
            public void update(long done, String message) {
            }

            @Override
            public void close() {
            }
        };
    }
}
