package io.suffice.api.task;

import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.Executor;
import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;

import java.nio.file.Path;

/**
 * What the runtime gives a {@link DownstreamTask}: the run folder, the seed, and the components the run's config
 * selected. {@link #optimizer()} and {@link #encoder()} create a fresh instance from the config on every call (a task
 * that trains several models needs one optimizer each); {@link #dataset()} creates the dataset once per run, since
 * datasets are immutable. Each throws an {@link IllegalStateException} naming the missing config section when the
 * run's config does not select that kind of component.
 */
public interface RunContext {

    /** The run folder ({@code runs/<name>-<timestamp>/}); it exists and holds the resolved config. */
    Path directory();

    /** The run's seed ({@code run.seed}); derive every random generator from it. */
    long seed();

    /** The dataset of section {@code dataset}, the same instance on every call within a run. */
    Dataset dataset();

    /** The optimizer of section {@code optimizer}. */
    Optimizer optimizer();

    /** The encoder of section {@code encoder}. */
    Encoder encoder();

    /**
     * The encoder of the optional section {@code text-encoder}: a text tower of its own architecture (for example
     * a pretrained {@code onnx-file} text model) for tasks with two towers, which otherwise build both from
     * {@link #encoder()}. A fresh instance on every call; empty when the config has no such section.
     */
    default java.util.Optional<Encoder> textEncoder() {
        return java.util.Optional.empty();
    }

    /** The run's metrics sink ({@code metrics.csv}). */
    MetricsSink metrics();

    /**
     * The run's graph executor (ONNX Runtime on the device of {@code run.device}, CPU by default), created on first
     * use and closed by the runtime when the run ends; executables compiled with it must not outlive the run.
     *
     * @throws UnsupportedOperationException where the context has no engine (plain test contexts)
     */
    default Executor executor() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no graph executor");
    }

    /**
     * The runtime's reverse-mode autodiff, to differentiate a loss built into a {@link io.suffice.api.graph.Graph}.
     *
     * @throws UnsupportedOperationException where the context has no engine
     */
    default Differentiator differentiator() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no autodiff");
    }

    /**
     * The training core: every task that trains hands it a {@link io.suffice.api.train.TrainingPlan} instead of
     * writing its own loop, and gets checkpoints, resume, signals, export and progress with it.
     *
     * @throws UnsupportedOperationException where the context has no engine
     */
    default io.suffice.api.train.Trainer trainer() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no training core");
    }

    /** Where the task draws its figures: PNG files in the run folder (nothing in contexts without a renderer). */
    default Figures figures() {
        return Figures.NONE;
    }

    /** A progress indicator for a loop of {@code total} units, labelled {@code label}. */
    Progress progress(String label, long total);

    /**
     * A progress indicator for a loop that starts at unit {@code start} of {@code total} (a resumed run): its rate
     * counts only the units done in this process.
     */
    default Progress progress(String label, long start, long total) {
        return progress(label, total);
    }
}
