package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.data.jghm.InvalidModelException;
import io.suffice.data.jghm.JghmModelJson;

import java.io.IOException;
import java.nio.file.Path;

/**
 * JGHM model JSON files ({@code --model FILE}, {@code dataset.model}), one model or several keyed by p. Bad input
 * must be an {@link InvalidModelException} naming the file and, where it has one, the position of the defect.
 */
class JghmModelFuzzTest {
    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void modelFile(byte[] input) {
        Path file = FuzzContract.file("model.json", input);
        try {
            FuzzContract.check("jghm", input, () -> JghmModelJson.loadByP(file),
                    InvalidModelException.class, IOException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }
}
