package io.suffice.runtime.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SufficeCliTest {
    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    private Result cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SufficeCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    private Result cli(io.suffice.runtime.train.StopSignal stop, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SufficeCli.execute(args, new PrintWriter(out, true), new PrintWriter(err, true), stop);
        return new Result(status, out.toString(), err.toString());
    }

    private Path config(String yaml) throws IOException {
        return Files.writeString(dir.resolve("exp.yaml"), "run: {output: '" + dir.resolve("runs") + "'}\n" + yaml);
    }

    @Test
    void versionAndHelp() {
        assertThat(cli("--version").out()).startsWith("suffice ");
        Result help = cli("run", "--help");
        assertThat(help.status()).isZero();
        assertThat(help.out()).contains("--set=KEY=VALUE");
    }

    @Test
    void pluginsAsCsvHasAHeaderAndOneRowPerPlugin() {
        Result r = cli("plugins", "--format", "csv", "--plugins-dir", dir.toString());
        assertThat(r.status()).isZero();
        assertThat(r.out().lines().toList()).first().isEqualTo("kind,name,description,parameters,source");
        assertThat(r.out()).contains("\noptimizer,test-gd,test gradient descent,stepsize:double=0.5 (> 0),")
                .contains("\ndownstream,quadratic,");
    }

    @Test
    void runWritesARunFolderAndPrintsTheSummary() throws IOException {
        Result r = cli("run", config("task: {name: quadratic, steps: 1}\noptimizer: {name: test-gd}").toString(),
                "--set", "optimizer.stepsize=1");
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("run folder: ").containsPattern("(?m)^w=3$");
        try (var runs = Files.list(dir.resolve("runs"))) {
            Path run = runs.findFirst().orElseThrow();
            assertThat(run.getFileName().toString()).startsWith("exp-");
            assertThat(Files.readString(run.resolve("config.yaml"))).contains("stepsize: 1");
        }
    }

    @Test
    void aSweepPrintsOneColumnPerArm() throws IOException {
        Result r = cli("run", config("task: {name: quadratic, steps: 1}\noptimizer: {name: test-gd}\n"
                + "sweep: {optimizer.stepsize: [0.5, 1]}").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("(?m)^optimizer.stepsize\\s+0.5\\s+1$")
                .containsPattern("(?m)^status\\s+ok\\s+ok$")
                .containsPattern("(?m)^w\\s+1.500\\s+3$");
    }

    @Test
    void configErrorsExitWithTwoAndOneLine() throws IOException {
        Result r = cli("run", config("task: {name: quadratic, step: 1}").toString());
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).isEqualTo("error: task.step = 1: unknown key for downstream 'quadratic'; choices: "
                + "[steps, mode, weights, flag, log-every]" + System.lineSeparator());

        Result missing = cli("run", dir.resolve("nope.yaml").toString());
        assertThat(missing.status()).isEqualTo(2);
        assertThat(missing.err()).startsWith("error: config file not found: ");

        Result badSet = cli("run", config("task: {name: quadratic}").toString(), "--set", "task.steps");
        assertThat(badSet.status()).isEqualTo(2);
        assertThat(badSet.err()).contains("--set expects key=value, got 'task.steps'");
    }

    @Test
    void usageErrorsExitWithTwo() {
        assertThat(cli("run").status()).isEqualTo(2);
        assertThat(cli("frobnicate").status()).isEqualTo(2);
        assertThat(cli().status()).isEqualTo(2);
    }

    @Test
    void aFailedRunExitsWithOneAndNamesTheCause() throws IOException {
        Result r = cli("run", config("task: {name: failing}").toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("diverged at step 1: loss=NaN");
    }

    @Test
    void anInterruptedRunSaysSoWhereItsCheckpointIsAndHowToResumeAndExits143() throws Exception {
        var stop = io.suffice.runtime.train.StopSignal.none();
        Path runs = dir.resolve("runs");
        // SIGTERM as the CLI's handler would deliver it, once the run has written a checkpoint
        Thread signal = new Thread(() -> {
            try {
                for (int i = 0; i < 12_000; i++) {
                    if (Files.isDirectory(runs)) {
                        try (var s = Files.list(runs)) {
                            if (s.anyMatch(f -> Files.exists(f.resolve("checkpoint.safetensors")))) {
                                stop.request(io.suffice.runtime.train.StopSignal.Received.TERM);
                                return;
                            }
                        }
                    }
                    Thread.sleep(10);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        signal.setDaemon(true);
        signal.start();
        Result r = cli(stop, "run", config("task: {name: quadratic, steps: 1000000000}\n"
                + "optimizer: {name: test-gd, stepsize: 0.1}").toString(), "--set", "run.checkpoint-every=50");
        signal.join();
        assertThat(r.status()).as(r.err()).isEqualTo(143);
        assertThat(r.out() + r.err()).doesNotContainIgnoringCase("failed");
        Path run;
        try (var s = Files.list(runs)) {
            run = s.findFirst().orElseThrow();
        }
        Path checkpoint = run.resolve("checkpoint.safetensors");
        String step = io.suffice.runtime.engine.Checkpoints.metadata(checkpoint).get("step");
        assertThat(r.out()).contains("interrupted by SIGTERM at step " + step);
        assertThat(r.err().lines().toList()).containsExactly("interrupted by SIGTERM at step " + step
                + "; checkpoint " + checkpoint + "; resume with: suffice run " + run.resolve("config.yaml")
                + " --set run.resume=" + run);

        // the command it prints resumes (here to a few steps past the checkpoint)
        Result resumed = cli("run", run.resolve("config.yaml").toString(), "--set", "run.resume=" + run,
                "--set", "task.steps=" + (Long.parseLong(step) + 3));
        assertThat(resumed.status()).as(resumed.err()).isZero();
    }

    @Test
    void aRunInterruptedBeforeItStartedHasNothingToResumeAndSaysSo() throws IOException {
        var stop = io.suffice.runtime.train.StopSignal.none();
        stop.request(io.suffice.runtime.train.StopSignal.Received.INT);
        Result r = cli(stop, "run", config("task: {name: quadratic, steps: 3}\noptimizer: {name: test-gd}")
                .toString());
        assertThat(r.status()).as(r.err()).isEqualTo(130);
        Path run;
        try (var s = Files.list(dir.resolve("runs"))) {
            run = s.findFirst().orElseThrow();
        }
        assertThat(r.err().lines().toList()).containsExactly("interrupted by SIGINT before any checkpoint was "
                + "written; nothing to resume, start it again with: suffice run " + run.resolve("config.yaml"));
    }

    @Test
    void aRunFolderThatCannotTakeSummaryJsonLeavesTheRecordOnStderr() throws IOException {
        // the task finished: its figures are not lost with the file
        Result done = cli("run", config("task: {name: unrecordable}\noptimizer: {name: test-gd}").toString());
        assertThat(done.status()).as(done.err()).isEqualTo(1);
        List<String> lines = done.err().lines().toList();
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).startsWith("failed: run: cannot write ").contains("summary.json");
        assertThat(lines.get(1)).startsWith("run: summary.json could not be written (cannot write ")
                .endsWith("); it would hold: {\"status\":\"failed\",\"error\":" + quoted(lines.get(0)
                        .substring("failed: run: ".length())) + ",\"summary\":{\"w\":3.0}}");

        // the task failed (the cause stays the failed line; the record follows it)
        Result failed = cli("run", config("task: {name: unrecordable, fail: true}\noptimizer: {name: test-gd}")
                .toString());
        assertThat(failed.status()).as(failed.err()).isEqualTo(1);
        List<String> f = failed.err().lines().toList();
        assertThat(f).hasSize(2);
        assertThat(f.get(0)).startsWith("failed: run: cannot write checkpoint ").endsWith(": Read-only file system");
        assertThat(f.get(1)).startsWith("run: summary.json could not be written (cannot write ")
                .contains("summary.json").endsWith("); it would hold: {\"status\":\"failed\",\"error\":"
                        + quoted(f.get(0).substring("failed: run: ".length())) + ",\"summary\":{}}");
    }

    private static String quoted(String s) throws IOException {
        return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(s);
    }
}
