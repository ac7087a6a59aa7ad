package io.suffice.runtime.run;

import io.suffice.api.io.AtomicFiles;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.google.inject.Inject;
import com.google.inject.Injector;
import com.google.inject.Module;
import com.google.inject.util.Modules;
import io.suffice.api.task.TaskResult;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.config.SweepExpansion.Arm;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.runtime.train.ResumeSource;
import io.suffice.runtime.train.StopSignal;
import io.suffice.runtime.train.TrainingCore;
import io.suffice.runtime.train.TrainingInterruptedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Launches an experiment: creates {@code <output>/<name>-<timestamp>/}, writes the resolved {@code config.yaml}, runs
 * each arm (the single run, or every point of the sweep grid in its own sub-folder) in a child injector built from
 * {@link ExperimentModule} plus the caller's override modules, and writes {@code summary.json} per arm, and for a
 * sweep {@code sweep.csv} and overlay plots. An arm that fails is recorded with its message and the others go on.
 */
public final class ExperimentLauncher {
    private static final Logger LOG = LoggerFactory.getLogger(ExperimentLauncher.class);
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss");
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Injector injector;
    private final ConfigResolver resolver;
    private final StopSignal stop;

    @Inject
    ExperimentLauncher(Injector injector, ConfigResolver resolver, StopSignal stop) {
        this.injector = injector;
        this.resolver = resolver;
        this.stop = stop;
    }

    /**
     * @param config    the validated experiment
     * @param terminal  where progress bars go, or null to log progress
     * @param overrides modules whose bindings replace {@link ExperimentModule}'s (e.g. another optimizer)
     */
    public RunOutcome launch(ExperimentConfig config, PrintStream terminal, Module... overrides) {
        List<Arm> arms = SweepExpansion.expand(config, resolver);
        boolean sweep = !config.sweep().isEmpty();
        Map<Arm, ResumeSource> resumes = new LinkedHashMap<>();
        if (!config.run().resume().isEmpty()) {
            for (Arm arm : arms) {
                resumes.put(arm, ResumeCheck.check(Path.of(config.run().resume()), sweep ? arm.label() : "",
                        arm.config()));
            }
        }
        Path folder = newRunFolder(config.run().output(), config.run().name());
        AtomicFiles.writeString(folder.resolve("config.yaml"), config.tree().toYaml());
        int threads = Math.min(config.run().parallel(), arms.size());
        List<ArmOutcome> outcomes = new ArrayList<>();
        if (threads <= 1) {
            for (Arm arm : arms) {
                if (stop.received() != null) {
                    break; // a signal between arms: the remaining arms stay unrun, as a resubmission would see
                }
                outcomes.add(runArm(arm, sweep ? folder.resolve(arm.label()) : folder, sweep, true, terminal,
                        resumes.get(arm), overrides));
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<ArmOutcome>> futures = new ArrayList<>();
                for (Arm arm : arms) {
                    futures.add(pool.submit(() -> runArm(arm, folder.resolve(arm.label()), true, false, null,
                            resumes.get(arm), overrides)));
                }
                for (Future<ArmOutcome> f : futures) {
                    outcomes.add(f.get());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("sweep interrupted", e);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new IllegalStateException(e.getCause());
            } finally {
                pool.shutdownNow();
            }
        }
        RunOutcome outcome = new RunOutcome(folder, outcomes, stop.received());
        try {
            if (sweep) {
                SweepReport.write(outcome, config.sweep());
            } else {
                ReportPage.forRun(folder);
            }
        } catch (RuntimeException e) {
            if (outcome.succeeded()) {
                throw e;
            }
            // a full or read-only disk fails the report too: the arms' own failure is the one to report
            LOG.warn("after the failure, cannot also write the report of {}: {}", folder, e.getMessage());
        }
        return outcome;
    }

    /**
     * Creates the run folder of {@code config} and writes its resolved {@code config.yaml}, without running anything
     * (the arms run elsewhere: {@link #launchArm}, e.g. as Slurm array tasks).
     */
    public Path createRunFolder(ExperimentConfig config) {
        Path folder = newRunFolder(config.run().output(), config.run().name());
        AtomicFiles.writeString(folder.resolve("config.yaml"), config.tree().toYaml());
        return folder;
    }

    /**
     * Runs exactly arm {@code index} of {@code config} in its folder under {@code runFolder} (the run folder itself
     * for a config without a sweep), writing the same files as a local sweep does for that arm. When the arm's
     * folder holds a checkpoint (an earlier attempt was preempted or killed), the arm resumes from it.
     *
     * @throws io.suffice.runtime.ConfigException when {@code index} is not an arm of the sweep
     */
    public RunOutcome launchArm(ExperimentConfig config, Path runFolder, int index, PrintStream terminal,
                                Module... overrides) {
        List<Arm> arms = SweepExpansion.expand(config, resolver);
        if (index < 0 || index >= arms.size()) {
            throw new io.suffice.runtime.ConfigException("--arm " + index + ": the sweep has " + arms.size()
                    + " arm(s), numbered 0 to " + (arms.size() - 1));
        }
        Arm arm = arms.get(index);
        boolean sweep = !config.sweep().isEmpty();
        Path dir = sweep ? runFolder.resolve(arm.label()) : runFolder;
        ResumeSource resume = null;
        if (Files.exists(dir.resolve(ResumeSource.FILE))) {
            resume = ResumeCheck.check(dir, "", arm.config());
            LOG.info("arm {}: continuing from {}", index, resume.checkpoint());
        } else if (!config.run().resume().isEmpty()) {
            resume = ResumeCheck.check(Path.of(config.run().resume()), sweep ? arm.label() : "", arm.config());
        }
        ArmOutcome outcome = runArm(arm, dir, sweep, true, terminal, resume, overrides);
        return new RunOutcome(runFolder, List.of(outcome), stop.received());
    }

    private ArmOutcome runArm(Arm arm, Path dir, boolean sweep, boolean exclusiveLog, PrintStream terminal,
                              ResumeSource resume, Module[] overrides) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
        if (sweep) {
            AtomicFiles.writeString(dir.resolve("config.yaml"), arm.config().tree().toYaml());
        }
        String runId = dir.getFileName().toString();
        try (RunLog ignored = new RunLog(dir.resolve("run.log"), runId, exclusiveLog)) {
            Injector child = injector.createChildInjector(
                    Modules.override(new ExperimentModule(arm.config())).with(overrides));
            TaskResult result = null;
            try {
                if (sweep) {
                    LOG.info("sweep arm {}: {}", arm.label(), arm.values());
                }
                if (resume != null) {
                    TrainingCore.clean(resume.checkpoint().toAbsolutePath().getParent());
                }
                result = child.getInstance(ExperimentRunner.class).run(dir, dir, terminal, resume);
                writeSummary(dir, summary(result.summary(), "ok", null));
                MetricPlots.forRun(dir.resolve("metrics.csv"), dir);
                return new ArmOutcome(sweep ? arm.label() : "", arm.values(), dir, result.summary(), null, "ok");
            } catch (Exception e) {
                String message = e.getMessage() != null ? e.getMessage() : e.toString();
                String status = e instanceof TrainingInterruptedException ? "interrupted"
                        : e instanceof TrainingDivergedException ? "diverged" : "failed";
                if (status.equals("interrupted")) {
                    LOG.warn("run {}: {}", runId, message);
                } else {
                    LOG.error("run {} failed: {}", runId, message);
                }
                LOG.debug("stack trace of the failure", e);
                // figures of a task that finished before a write failed are kept, in the file or in the outcome
                Map<String, Object> json = summary(result == null ? Map.of() : result.summary(), status, message);
                String unwritten = null;
                try {
                    writeSummary(dir, json);
                } catch (RuntimeException after) {
                    // a full or read-only disk: the record goes with the outcome (the CLI prints it) and the log
                    unwritten = "summary.json could not be written (" + after.getMessage() + "); it would hold: "
                            + oneLine(json);
                    LOG.warn("run {}: after the failure, {}", runId, unwritten);
                }
                if (unwritten == null && Files.exists(dir.resolve("metrics.csv"))) {
                    try {
                        MetricPlots.forRun(dir.resolve("metrics.csv"), dir);
                    } catch (RuntimeException after) {
                        // the first failure is the one to report
                        LOG.warn("run {}: after the failure, cannot also write the plots: {}", runId,
                                after.getMessage());
                    }
                }
                return new ArmOutcome(sweep ? arm.label() : "", arm.values(), dir, Map.of(), message, status,
                        unwritten);
            }
        }
    }

    private static Map<String, Object> summary(Map<String, Double> summary, String status, String error) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("status", status);
        if (error != null) {
            json.put("error", error);
        }
        Map<String, Object> figures = new LinkedHashMap<>();
        // JSON has no NaN/Infinity; write them as strings so the file stays valid JSON.
        summary.forEach((k, v) -> figures.put(k, Double.isFinite(v) ? v : String.valueOf(v)));
        json.put("summary", figures);
        return json;
    }

    private static String oneLine(Map<String, Object> json) {
        try {
            return JSON.writer().without(SerializationFeature.INDENT_OUTPUT).writeValueAsString(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("strings and numbers always serialize", e);
        }
    }

    private static void writeSummary(Path dir, Map<String, Object> json) {
        AtomicFiles.write(dir.resolve("summary.json"), out -> JSON.writeValue(out, json));
    }

    private static Path newRunFolder(Path output, String name) {
        String base = name + "-" + LocalDateTime.now().format(STAMP);
        try {
            Files.createDirectories(output);
            for (int i = 0; ; i++) {
                Path dir = output.resolve(i == 0 ? base : base + "-" + i);
                try {
                    return Files.createDirectory(dir);
                } catch (FileAlreadyExistsException e) {
                    // another run started in the same second: take the next suffix
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create run folder under " + output + ": " + e.getMessage(), e);
        }
    }
}
