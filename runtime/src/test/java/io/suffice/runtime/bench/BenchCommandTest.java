package io.suffice.runtime.bench;

import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.assertj.core.api.Assertions.assertThat;

/** Runs the benchmark command for a couple of steps: checks wiring and output format, not speed. */
class BenchCommandTest {

    private static String run(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new BenchCommand());
        cl.setOut(new PrintWriter(out));
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        int rc = cl.execute(args);
        assertThat(rc).as(err.toString()).isZero();
        return out.toString();
    }

    @Test
    void textLinesHaveTheAgreedFields() {
        String out = run("two-layer-gd-tiny", "--steps", "3", "--warmup", "1");
        assertThat(out.strip()).matches("workload=two-layer-gd-tiny step_ms=[0-9.]+ steps_per_s=[0-9.]+ gflops=[0-9.]+");
    }

    @Test
    void csvHasAHeaderAndOneRowPerWorkload() {
        String out = run("two-layer-gd-tiny", "two-layer-gd-tiny", "--steps", "2", "--warmup", "0", "--format", "csv",
                "--update", "host");
        String[] lines = out.strip().split("\\R");
        assertThat(lines).hasSize(3);
        assertThat(lines[0]).isEqualTo(BenchResult.csvHeader());
        assertThat(lines[1]).startsWith("two-layer-gd-tiny,");
    }

    @Test
    void unknownWorkloadIsRejected() {
        CommandLine cl = new CommandLine(new BenchCommand());
        StringWriter err = new StringWriter();
        cl.setErr(new PrintWriter(err));
        assertThat(cl.execute("nope")).isNotZero();
        assertThat(err.toString()).contains("unknown workload 'nope'");
    }
}
