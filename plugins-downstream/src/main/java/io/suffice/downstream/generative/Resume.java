package io.suffice.downstream.generative;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A generative task's {@code task.resume}: the checkpoint file and what it holds. With the checkpoint's step equal to
 * {@code task.steps} nothing is trained and only the evaluation runs, on the run's own dataset (e.g. another
 * {@code dataset.p}, or a mis-specified oracle via {@code dataset.bp-p}: the shift-in-p evaluation).
 *
 * @param file       the path as configured (named in error messages)
 * @param checkpoint its content
 */
public record Resume(String file, GenerativeCheckpoint checkpoint) {

    /**
     * Reads {@code task.resume}; null when it is empty.
     *
     * @param steps the configured {@code task.steps}; a checkpoint beyond it is refused
     */
    public static Resume of(String file, long steps) throws IOException {
        if (file == null || file.isEmpty()) {
            return null;
        }
        GenerativeCheckpoint c = GenerativeCheckpoint.read(Path.of(file));
        if (c.step() > steps) {
            throw new IllegalArgumentException("checkpoint " + file + " is at step " + c.step() + ", beyond task.steps "
                    + steps + " (set task.steps to at least " + c.step() + "; equal: evaluate only)");
        }
        return new Resume(file, c);
    }

    /** Human-readable source for messages: {@code checkpoint <file>}. */
    public String source() {
        return "checkpoint " + file;
    }
}
