package io.suffice.runtime.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Reading ONNX Runtime's profile: kernel events summed per operator, warm-up runs left out. */
class OperatorProfileTest {
    @TempDir
    Path dir;

    private static String run(double ts, double dur) {
        return "{\"cat\":\"Session\",\"name\":\"model_run\",\"ts\":" + ts + ",\"dur\":" + dur + "},";
    }

    private static String kernel(String op, double ts, double dur) {
        return "{\"cat\":\"Node\",\"name\":\"n_" + op + "_kernel_time\",\"ts\":" + ts + ",\"dur\":" + dur
                + ",\"args\":{\"op_name\":\"" + op + "\"}},"
                + "{\"cat\":\"Node\",\"name\":\"n_" + op + "_fence_before\",\"ts\":" + ts + ",\"dur\":5,"
                + "\"args\":{\"op_name\":\"" + op + "\"}},";
    }

    @Test
    void sumsKernelTimePerOperatorAfterTheWarmUpRuns() throws Exception {
        // three runs: the first (warm-up) is slow; the others hold MatMul 300 + 100 us and Add 100 + 100 us
        String json = "[" + run(0, 1000) + kernel("MatMul", 10, 900)
                + run(2000, 500) + kernel("MatMul", 2010, 300) + kernel("Add", 2400, 100)
                + run(3000, 500) + kernel("MatMul", 3010, 100) + kernel("Add", 3300, 100)
                + "{\"cat\":\"Session\",\"name\":\"end\",\"ts\":4000,\"dur\":0}]";
        Files.writeString(dir.resolve("ort-profile-session-1_x.json"), json);
        Files.writeString(dir.resolve("optimized-session-1.onnx"), "not read");
        OperatorProfile p = OperatorProfile.read(dir, 1);
        assertThat(p.runs()).isEqualTo(2);
        assertThat(p.totalMs()).isCloseTo(0.6, within(1e-12));
        assertThat(p.operators()).containsExactly(new OperatorProfile.OperatorTime("MatMul", 2, 0.4),
                new OperatorProfile.OperatorTime("Add", 2, 0.2));
        assertThat(p.table(1)).contains("| MatMul | 1 | 0.200 | 66.7% |", "| all 2 operator types | 2 | 0.300 | 100% |")
                .doesNotContain("| Add |");
        // without warm-up exclusion the first run counts too
        assertThat(OperatorProfile.read(dir, 0).totalMs()).isCloseTo(1.5, within(1e-12));
        // and asking to skip more runs than there are counts nothing
        assertThat(OperatorProfile.read(dir, 5).operators()).isEmpty();
    }
}
