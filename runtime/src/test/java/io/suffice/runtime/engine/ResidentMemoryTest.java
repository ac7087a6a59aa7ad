package io.suffice.runtime.engine;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A long training loop must not leak native memory (ONNX Runtime tensors, sessions): resident memory after 20,000
 * steps stays within a small margin of what it was once the loop had warmed up. Reads VmRSS from /proc (Linux).
 */
class ResidentMemoryTest {
    private static final Path STATUS = Path.of("/proc/self/status");

    private static long residentKib() throws IOException {
        for (String line : Files.readAllLines(STATUS)) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        throw new IllegalStateException("no VmRSS in " + STATUS);
    }

    @Test
    void twentyThousandStepsKeepResidentMemoryFlat() throws IOException {
        assumeTrue(Files.isReadable(STATUS), "needs /proc/self/status (Linux)");
        Graph g = new Graph(5);
        Value loss = TrainStepTest.xorLoss(g);
        ParameterStore store = ParameterStore.of(g);
        var batch = TrainStepTest.xorBatch();
        var gd = new TrainStepTest.Gd(0.5);
        int steps = 20_000;
        long warm = 0;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            for (int t = 0; t < steps; t++) {
                step.step(batch, gd, t, steps);
                if (t == 2_000) {
                    System.gc();
                    warm = residentKib();
                }
            }
            System.gc();
            long end = residentKib();
            // A leak of even one 1 KiB native allocation per step would add about 18 MiB here.
            assertThat(end - warm).as("resident memory growth in KiB from step 2,000 to 20,000")
                    .isLessThan(12 * 1024);
        }
    }
}
