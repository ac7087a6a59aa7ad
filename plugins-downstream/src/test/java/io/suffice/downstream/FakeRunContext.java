package io.suffice.downstream;

import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * A run context for in-process runs of a task: a fixed dataset, a fresh optimizer per {@link #optimizer()} call, and
 * metrics kept in memory ({@link #rows()}).
 */
final class FakeRunContext implements RunContext {
    /** One metrics row. */
    record Row(long step, Map<String, Double> values) {
    }

    private final Dataset dataset;
    private final Supplier<Optimizer> optimizers;
    private final long seed;
    private final List<Row> rows = Collections.synchronizedList(new ArrayList<>());

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

    @Override
    public Path directory() {
        return Path.of(System.getProperty("java.io.tmpdir"));
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

    /** The engine-backed trainer of the api contract (see {@link ContractTrainer}). */
    @Override
    public io.suffice.api.train.Trainer trainer() {
        return new ContractTrainer(metrics());
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
