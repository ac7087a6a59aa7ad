package io.suffice.runtime.config;

import java.nio.file.Path;
import java.util.List;

/**
 * Section {@code run} of an experiment config.
 *
 * @param name            run name; the run folder is {@code <output>/<name>-<timestamp>}
 * @param seed            seed every random generator of the run derives from
 * @param output          folder that receives run folders
 * @param plugins         folder scanned for plugin JARs
 * @param parallel        sweep arms run at once (1 = one after the other)
 * @param device          where graphs run: {@code cpu}, {@code cuda} or {@code cuda:N} (CPU fallback with a warning)
 * @param checkpointEvery steps between checkpoints of the training core (0: only at the end of training)
 * @param resume          run folder or checkpoint file to continue from, or empty
 * @param export          formats the trained models are exported in at the end of the run ({@code onnx}), or empty
 * @param executor        where the arms run: {@code local} (this process) or {@code slurm} (a job array; docs/cluster.md)
 * @param slurm           section {@code run.slurm}: the sbatch options of a {@code slurm} executor
 */
public record RunSettings(String name, long seed, Path output, Path plugins, int parallel, String device,
                          long checkpointEvery, String resume, List<String> export, String executor,
                          SlurmSettings slurm) {
    public static final String DEFAULT_DEVICE = "cpu";
    public static final String DEFAULT_PLUGINS = "plugins";
    /** Every key of section {@code run}. */
    public static final List<String> KEYS = List.of("name", "seed", "output", "plugins", "parallel", "device",
            "checkpoint-every", "resume", "export", "executor", "slurm");
    /** Keys that may differ between a checkpoint's run and the run resuming it (where and how it runs). */
    public static final List<String> RESUMABLE_DIFFERENCES = List.of("name", "output", "plugins", "parallel", "device",
            "checkpoint-every", "resume", "export", "executor", "slurm");
    /** The export formats. */
    public static final List<String> EXPORT_FORMATS = List.of("onnx");

    public RunSettings {
        export = List.copyOf(export);
    }

    /** Settings on the CPU, without checkpoints, resume or export. */
    public RunSettings(String name, long seed, Path output, Path plugins, int parallel) {
        this(name, seed, output, plugins, parallel, DEFAULT_DEVICE, 0, "", List.of());
    }

    /** Settings that run locally. */
    public RunSettings(String name, long seed, Path output, Path plugins, int parallel, String device,
                       long checkpointEvery, String resume, List<String> export) {
        this(name, seed, output, plugins, parallel, device, checkpointEvery, resume, export, "local",
                SlurmSettings.defaults());
    }

    /** Whether the arms are submitted to Slurm ({@code run.executor: slurm}). */
    public boolean onSlurm() {
        return executor.equals("slurm");
    }
}
