package io.suffice.runtime.run;

import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.Executor;
import io.suffice.runtime.engine.Autodiff;
import java.util.function.Supplier;
import com.google.inject.ProvisionException;
import com.google.inject.Provider;
import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.Figures;
import io.suffice.api.task.MetricsSink;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@link RunContext} backed by Guice providers; the dataset is created once per run (datasets are immutable). */
final class DefaultRunContext implements RunContext {
    private final Path directory;
    private final long seed;
    private final Provider<Dataset> datasets;
    private final Provider<Optimizer> optimizers;
    private final Provider<Encoder> encoders;
    private final MetricsSink metrics;
    private final PrintStream terminal;
    private final Supplier<Executor> executors;
    private Provider<java.util.Optional<Encoder>> textEncoders = java.util.Optional::empty;
    private Dataset dataset;
    private Executor executor;
    private io.suffice.api.train.Trainer trainer;

    DefaultRunContext(Path directory, long seed, Provider<Dataset> datasets, Provider<Optimizer> optimizers,
                      Provider<Encoder> encoders, MetricsSink metrics, PrintStream terminal) {
        this(directory, seed, datasets, optimizers, encoders, metrics, terminal, () -> {
            throw new UnsupportedOperationException("this run context has no graph executor");
        });
    }

    /** @param executors makes the run's executor on first use; the caller closes it via {@link #closeExecutor()} */
    DefaultRunContext(Path directory, long seed, Provider<Dataset> datasets, Provider<Optimizer> optimizers,
                      Provider<Encoder> encoders, MetricsSink metrics, PrintStream terminal,
                      Supplier<Executor> executors) {
        this.directory = directory;
        this.seed = seed;
        this.datasets = datasets;
        this.optimizers = optimizers;
        this.encoders = encoders;
        this.metrics = metrics;
        this.terminal = terminal;
        this.executors = executors;
    }

    @Override
    public synchronized Executor executor() {
        if (executor == null) {
            executor = executors.get();
        }
        return executor;
    }

    /** Sets the training core of this run (made by the runner, which knows the run's settings). */
    void trainer(io.suffice.api.train.Trainer t) {
        this.trainer = t;
    }

    @Override
    public io.suffice.api.train.Trainer trainer() {
        if (trainer == null) {
            throw new UnsupportedOperationException("this run context has no training core");
        }
        return trainer;
    }

    @Override
    public Differentiator differentiator() {
        return Autodiff.standard();
    }

    /** Closes the executor if one was made (end of run). */
    synchronized void closeExecutor() {
        if (executor != null) {
            executor.close();
            executor = null;
        }
    }

    @Override
    public Path directory() {
        return directory;
    }

    @Override
    public long seed() {
        return seed;
    }

    @Override
    public synchronized Dataset dataset() {
        if (dataset == null) {
            dataset = get(datasets);
        }
        return dataset;
    }

    @Override
    public Optimizer optimizer() {
        return get(optimizers);
    }

    @Override
    public Encoder encoder() {
        return get(encoders);
    }

    /** Sets where {@link #textEncoder()} comes from (the runner's optional {@code text-encoder} section). */
    void textEncoders(Provider<java.util.Optional<Encoder>> p) {
        this.textEncoders = p;
    }

    @Override
    public java.util.Optional<Encoder> textEncoder() {
        return get(textEncoders);
    }

    @Override
    public MetricsSink metrics() {
        return metrics;
    }

    @Override
    public Figures figures() {
        return new PngFigures(directory);
    }

    @Override
    public Progress progress(String label, long total) {
        return new ConsoleProgress(label, total, terminal);
    }

    @Override
    public Progress progress(String label, long start, long total) {
        return new ConsoleProgress(label, start, total, terminal);
    }

    /** Guice wraps what a provider throws; the user should see the plugin's own message. */
    static <T> T get(Provider<T> provider) {
        try {
            return provider.get();
        } catch (ProvisionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException r && e.getErrorMessages().size() == 1) {
                throw r;
            }
            throw e;
        }
    }
}
