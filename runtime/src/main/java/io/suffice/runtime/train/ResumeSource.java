package io.suffice.runtime.train;

import io.suffice.runtime.engine.Checkpoints;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a run continues from ({@code run.resume}): the checkpoint file and the metrics history of the run that wrote
 * it (its {@code metrics.csv}, whose rows before the resumed step open the new run's metrics, so its plots show the
 * whole curve).
 *
 * @param checkpoint the checkpoint file
 * @param history    the parent run's {@code metrics.csv}, or null when there is none
 */
public record ResumeSource(Path checkpoint, Path history) {
    /** The core's checkpoint file name in a run folder. */
    public static final String FILE = "checkpoint.safetensors";

    /**
     * Resolves {@code run.resume}: a run folder (its {@link #FILE}; for a sweep folder, the sub-folder of the arm
     * {@code armLabel} when there is one) or a checkpoint file.
     *
     * @throws Checkpoints.CheckpointException when there is no checkpoint there
     */
    public static ResumeSource of(Path resume, String armLabel) {
        Path dir = resume;
        if (Files.isDirectory(resume)) {
            if (armLabel != null && !armLabel.isEmpty() && Files.isDirectory(resume.resolve(armLabel))) {
                dir = resume.resolve(armLabel);
            }
            Path file = dir.resolve(FILE);
            if (!Files.exists(file)) {
                throw new Checkpoints.CheckpointException(file, "no such file (run.resume names the folder "
                        + resume + ", which holds no checkpoint; was run.checkpoint-every set, or did it stop before "
                        + "its first checkpoint?)");
            }
            Path history = dir.resolve("metrics.csv");
            return new ResumeSource(file, Files.exists(history) ? history : null);
        }
        Path parent = resume.toAbsolutePath().getParent();
        Path history = parent == null ? null : parent.resolve("metrics.csv");
        return new ResumeSource(resume, history != null && Files.exists(history) ? history : null);
    }
}
