package io.suffice.downstream.clip;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Public access to writing a {@link ClipCheckpoint} (whose own {@code write} is package-private), so other tasks
 * (the generative ones: {@code io.suffice.downstream.generative.GenerativeCheckpoint}) store their state in the same
 * binary format instead of a second one. Atomic like {@link ClipCheckpoint#write}.
 */
public final class ClipCheckpointFiles {
    private ClipCheckpointFiles() {
    }

    /** Writes {@code checkpoint} to {@code file} atomically (temporary file, fsync, atomic move). */
    public static void write(ClipCheckpoint checkpoint, Path file) throws IOException {
        checkpoint.write(file);
    }
}
