package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code suffice bench} on the task workloads through the launcher: the shipped tasks run in bench mode and each
 * workload prints one line in the peers' fields. Wiring and format only, never speed.
 */
class BenchIT {
    @TempDir
    Path cwd;

    @Test
    void theTaskWorkloadsPrintOneLineEach() throws Exception {
        Cli.Result r = Cli.run(cwd, "bench", "two-layer-gd-tiny", "clip-step-cpu", "--steps", "2", "--warmup", "1");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        for (int i = 0; i < 2; i++) {
            assertThat(lines.get(i)).matches("workload=" + List.of("two-layer-gd-tiny", "clip-step-cpu").get(i)
                    + " step_ms=[0-9.]+ batch_ms=[0-9.]+ steps_per_s=[0-9.]+ gflops=[0-9.]+ peak_rss_mb=[0-9]+ "
                    + "steps=2");
        }
        try (var left = java.nio.file.Files.list(cwd)) {
            assertThat(left.map(p -> p.getFileName().toString())).as("bench writes no run folder")
                    .noneMatch(n -> n.equals("runs"));
        }
    }

    @Test
    void profileWritesOnnxRuntimesTraceAndTheGraphItRanAndPrintsTheTopOperators() throws Exception {
        Path dir = cwd.resolve("prof");
        Cli.Result r = Cli.run(cwd, "bench", "two-layer-gd-tiny", "--steps", "3", "--warmup", "2", "--profile",
                dir.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("ONNX Runtime profile of two-layer-gd-tiny", "3 step runs after warm-up",
                "| operator | calls/step | ms/step | share |", "| Gemm |");
        try (var files = java.nio.file.Files.list(dir.resolve("two-layer-gd-tiny"))) {
            assertThat(files.map(p -> p.getFileName().toString()).toList())
                    .anyMatch(n -> n.startsWith("ort-profile-session-1") && n.endsWith(".json"))
                    .contains("optimized-session-1.onnx");
        }
    }
}
