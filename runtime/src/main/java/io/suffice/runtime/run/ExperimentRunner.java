package io.suffice.runtime.run;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.train.ResumeSource;
import io.suffice.runtime.train.RunIdentity;
import io.suffice.runtime.train.StopSignal;
import io.suffice.runtime.train.TrainingCore;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.TaskResult;
import io.suffice.runtime.config.ExperimentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Runs one experiment (one sweep arm) in a prepared folder: creates the task from the injector, gives it a
 * {@link DefaultRunContext} whose metrics go to {@code metrics.csv}, and returns the task's result. Failures propagate
 * after the metrics file is closed, so what was logged is kept.
 */
public final class ExperimentRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentRunner.class);

    private final ExperimentConfig config;
    private final Provider<DownstreamTask> tasks;
    private final Provider<Dataset> datasets;
    private final Provider<Optimizer> optimizers;
    private final Provider<Encoder> encoders;
    private final StopSignal stop;
    private final ExecutionConfig execution;
    private Provider<java.util.Optional<Encoder>> textEncoders = java.util.Optional::empty;

    @Inject
    ExperimentRunner(ExperimentConfig config, Provider<DownstreamTask> tasks, Provider<Dataset> datasets,
                     Provider<Optimizer> optimizers, Provider<Encoder> encoders, StopSignal stop,
                     ExecutionConfig execution) {
        this.config = config;
        this.execution = execution;
        this.stop = stop;
        this.tasks = tasks;
        this.datasets = datasets;
        this.optimizers = optimizers;
        this.encoders = encoders;
    }

    /** The optional {@code text-encoder} section's encoders (Guice sets it; absent in hand-made runners). */
    @Inject(optional = true)
    void textEncoders(@com.google.inject.name.Named(ExperimentModule.TEXT_ENCODER)
                      Provider<java.util.Optional<Encoder>> p) {
        this.textEncoders = p;
    }

    /**
     * @param folder   the run folder (exists, holds config.yaml)
     * @param terminal where progress bars go, or null to log progress
     */
    public TaskResult run(Path folder, PrintStream terminal) throws Exception {
        return run(folder, folder, terminal, null);
    }

    /**
     * Runs {@code config}'s task once in a temporary folder that is deleted afterwards, outside any run folder:
     * what {@code suffice export} and {@code suffice bench} do with the core in their mode. The mode's end
     * ({@link io.suffice.runtime.train.ExportFinished}, {@link io.suffice.runtime.train.BenchFinished}) propagates.
     *
     * @param runtime an injector of {@link RuntimeModule}
     */
    public static TaskResult detached(com.google.inject.Injector runtime, ExperimentConfig config, Path exports,
                                      ResumeSource resume, RunIdentity.Mode mode) throws Exception {
        Path scratch = java.nio.file.Files.createTempDirectory("suffice-" + mode.name().toLowerCase(
                java.util.Locale.ROOT));
        try {
            return runtime.createChildInjector(new ExperimentModule(config)).getInstance(ExperimentRunner.class)
                    .run(scratch, exports == null ? scratch : exports, null, resume, mode);
        } finally {
            try (var files = java.nio.file.Files.walk(scratch)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /**
     * @param exports  where {@code run.export} writes (the run folder, or {@code suffice export --out})
     * @param resume   the checkpoint to continue from, or null
     */
    public TaskResult run(Path folder, Path exports, PrintStream terminal, ResumeSource resume) throws Exception {
        return run(folder, exports, terminal, resume, RunIdentity.Mode.TRAIN);
    }

    /**
     * @param mode {@code EXPORT}: restore {@code resume}, write the exports into {@code exports} and stop the task
     *             ({@code suffice export}); {@code BENCH}: time the training loop and stop after it
     *             ({@code suffice bench})
     */
    public TaskResult run(Path folder, Path exports, PrintStream terminal, ResumeSource resume, RunIdentity.Mode mode)
            throws Exception {
        DownstreamTask task = DefaultRunContext.get(tasks);
        LOG.info("running task '{}' in {}", config.components().get("task").name(), folder);
        try (CsvMetricsSink metrics = new CsvMetricsSink(folder.resolve("metrics.csv"))) {
            String device = config.run().device();
            DefaultRunContext context = new DefaultRunContext(folder, config.run().seed(), datasets, optimizers,
                    encoders, metrics, terminal,
                    () -> new OrtExecutor(execution.withDevice(device)));
            context.textEncoders(textEncoders);
            String taskName = config.components().get("task").name();
            RunIdentity identity = new RunIdentity(folder, exports, config.run().checkpointEvery(),
                    mode == RunIdentity.Mode.EXPORT ? List.of("onnx") : config.run().export(),
                    RunIdentity.metadata(taskName, config.tree().toYaml()), mode);
            context.trainer(new TrainingCore(identity, context::executor, Autodiff.standard(),
                    new TrainingCore.RunMetrics() {
                        @Override
                        public void log(long step, java.util.Map<String, Double> values) {
                            metrics.log(step, values);
                        }

                        @Override
                        public void continueFrom(Path parentCsv, long before) {
                            metrics.continueFrom(parentCsv, before);
                        }

                        @Override
                        public void flush() {
                            metrics.flush();
                        }
                    }, context::progress, stop, resume));
            try {
                return task.run(context);
            } finally {
                context.closeExecutor();
            }
        }
    }
}
