package io.suffice.runtime.bench;

import io.suffice.runtime.cli.SufficeCli;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bench command's wiring and output format, not speed, on the matmul ceiling (the task workloads need the task
 * plugins: distribution's BenchIT runs them).
 */
class BenchCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int rc = SufficeCli.execute(args, new PrintWriter(out), new PrintWriter(err));
        assertThat(rc).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void textLinesHaveTheAgreedFields() {
        String out = run("bench", "matmul", "--steps", "2", "--warmup", "1");
        assertThat(out.strip()).matches("workload=matmul step_ms=[0-9.]+ batch_ms=0.000 steps_per_s=[0-9.]+ "
                + "gflops=[0-9.]+ peak_rss_mb=[0-9]+ steps=2");
    }

    @Test
    void csvHasAHeaderAndOneRowPerWorkload() {
        String[] lines = run("bench", "matmul", "matmul", "--steps", "1", "--warmup", "0", "--format", "csv")
                .strip().split("\\R");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo(BenchResult.csvHeader());
        assertThat(lines[1]).startsWith("matmul,");
    }

    @Test
    void unknownWorkloadIsRejected() {
        StringWriter err = new StringWriter();
        assertThat(SufficeCli.execute(new String[]{"bench", "nope"}, new PrintWriter(new StringWriter()),
                new PrintWriter(err))).isEqualTo(2);
        assertThat(err.toString()).contains("unknown workload 'nope'");
    }
}
