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
 * A long training loop must not leak native memory (ONNX Runtime tensors, sessions): over 20,000 steps the growth of
 * resident memory (VmRSS sampled every 1,000 steps after warm-up) stays near zero. The median of the successive
 * increments is used rather than two readings, because the JVM's heap commits and uncommits several MiB at a time:
 * a leak grows every interval, a heap resize shows in one. Each reading follows a collection, so eden pages
 * touched by ordinary garbage are reused rather than counted. A leak of 1 KiB per step gives a median near
 * 1 KiB/step (checked by hand when this test was written). Linux only (/proc).
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
        int warmUp = 5_000;
        int every = 1_000;
        int samples = (steps - warmUp) / every;
        double[] x = new double[samples];
        double[] rss = new double[samples];
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            for (int t = 0, k = 0; t < steps; t++) {
                step.step(batch, gd, t, steps);
                if (t >= warmUp && (t - warmUp) % every == every - 1) {
                    // Collect first: otherwise the first touch of fresh eden pages by ordinary Java garbage grows
                    // the resident set between collections, which is not a leak.
                    System.gc();
                    x[k] = t;
                    rss[k++] = residentKib();
                }
            }
        }
        double[] increments = new double[samples - 1];
        for (int i = 1; i < samples; i++) {
            increments[i - 1] = (rss[i] - rss[i - 1]) / every;
        }
        java.util.Arrays.sort(increments);
        assertThat(increments[increments.length / 2])
                .as("median resident memory growth in KiB per step, samples %s", java.util.Arrays.toString(rss))
                .isLessThan(0.5);
    }
}
