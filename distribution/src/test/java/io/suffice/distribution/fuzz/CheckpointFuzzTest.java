package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.engine.Checkpoints.CheckpointException;

import java.nio.file.Path;

/**
 * Files given as checkpoints ({@code run.resume}, {@code suffice export}): the header alone (what resume checks
 * first) and the whole file. Bad input must be a {@link CheckpointException} naming the file and the defect.
 */
class CheckpointFuzzTest {
    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void checkpointFile(byte[] input) {
        Path file = FuzzContract.file("checkpoint.safetensors", input);
        try {
            FuzzContract.check("checkpoint", input, () -> {
                Checkpoints.metadata(file);
                Checkpoints.read(file);
            }, CheckpointException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }
}
