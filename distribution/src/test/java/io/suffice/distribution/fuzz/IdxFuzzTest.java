package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.data.fmnist.IdxReader;

import java.io.IOException;
import java.nio.file.Path;

/**
 * IDX data files (Fashion-MNIST images, rank 3, and labels, rank 1). Bad input must be an {@link IOException} thrown
 * by the reader, naming the file and the defect.
 */
class IdxFuzzTest {
    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void idxFile(byte[] input) {
        Path file = FuzzContract.file("data-idx3-ubyte", input);
        try {
            FuzzContract.check("idx", input, () -> IdxReader.read(file, 3), IOException.class);
            FuzzContract.check("idx", input, () -> IdxReader.read(file, 1), IOException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }
}
