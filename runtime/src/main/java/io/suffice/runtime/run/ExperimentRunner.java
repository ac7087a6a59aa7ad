package io.suffice.runtime.run;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.TaskResult;
import io.suffice.runtime.config.ExperimentConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Path;

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

    @Inject
    ExperimentRunner(ExperimentConfig config, Provider<DownstreamTask> tasks, Provider<Dataset> datasets,
                     Provider<Optimizer> optimizers, Provider<Encoder> encoders) {
        this.config = config;
        this.tasks = tasks;
        this.datasets = datasets;
        this.optimizers = optimizers;
        this.encoders = encoders;
    }

    /**
     * @param folder   the run folder (exists, holds config.yaml)
     * @param terminal where progress bars go, or null to log progress
     */
    public TaskResult run(Path folder, PrintStream terminal) throws Exception {
        DownstreamTask task = DefaultRunContext.get(tasks);
        LOG.info("running task '{}' in {}", config.components().get("task").name(), folder);
        try (CsvMetricsSink metrics = new CsvMetricsSink(folder.resolve("metrics.csv"))) {
            String device = config.run().device();
            DefaultRunContext context = new DefaultRunContext(folder, config.run().seed(), datasets, optimizers,
                    encoders, metrics, terminal,
                    () -> new OrtExecutor(ExecutionConfig.defaults().withDevice(device)));
            try {
                return task.run(context);
            } finally {
                context.closeExecutor();
            }
        }
    }
}
