package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash consistency of a run folder (docs/RELIABILITY.md). A run of the launcher is killed with SIGKILL at times
 * spread from JVM start to past its end (start-up, between steps, during checkpoint, metrics, plot, summary and
 * export writes: whichever the moment hits), and with SIGTERM at a few. After each kill, every file in the run folder
 * is whole (config, summary, checkpoint, plots and the ONNX export parse; metrics.csv has only complete rows but a
 * possibly cut last line, which a resume drops); {@code run.resume} from the folder either continues and ends with
 * exactly the straight run's metrics, row for row, or - when no checkpoint was written yet - is refused with one
 * error line. SIGTERM additionally leaves {@code status: interrupted} and a checkpoint. The kill times are not
 * deterministic, the assertions hold at any of them; the test prints which state each kill left.
 */
class CrashConsistencyIT {
    private static final int STEPS = 2000;

    @TempDir
    Path cwd;

    private List<String> args(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(Cli.home().resolve("bin/suffice").toString(), "run",
                Cli.home().resolve("experiments/large-stepsize-xor.yaml").toString(),
                "--set", "optimizer.stepsize=100", "--set", "task.steps=" + STEPS, "--set", "task.log-every=4",
                "--set", "run.checkpoint-every=100", "--set", "run.export=[onnx]", "--output", out.toString()));
        a.addAll(List.of(extra));
        return a;
    }

    @Test
    void killedRunsLeaveWholeFilesAndResumeToTheStraightRun() throws Exception {
        long t0 = System.nanoTime();
        Process straight = start(args(cwd.resolve("straight")), "straight");
        assertThat(straight.waitFor(5, TimeUnit.MINUTES)).isTrue();
        assertThat(straight.exitValue()).as(Files.readString(cwd.resolve("straight.err"))).isZero();
        double wall = (System.nanoTime() - t0) / 1e9;
        Path straightFolder = RunFolders.only(cwd.resolve("straight"));
        List<String> reference = RunFolders.trajectory(straightFolder.resolve("metrics.csv"));
        assertThat(reference).hasSize(STEPS / 4 + 2);

        List<String> report = new ArrayList<>();
        int kills = 7;
        for (int k = 0; k < kills; k++) {
            double at = wall * (0.08 + 1.0 * k / (kills - 1)); // the last ones land at the end writes or after
            report.add(killAndCheck("kill" + k, at, false, reference));
        }
        for (int k = 0; k < 2; k++) {
            report.add(killAndCheck("term" + k, wall * (0.5 + 0.25 * k), true, reference));
        }
        System.out.printf(Locale.ROOT, "crash consistency (straight run %.1f s):%n  %s%n", wall,
                String.join("\n  ", report));
    }

    /** Kills a run at {@code seconds}, checks its folder, resumes it; returns one line saying what happened. */
    private String killAndCheck(String name, double seconds, boolean term, List<String> reference) throws Exception {
        Path out = cwd.resolve(name);
        Process p = start(args(out), name);
        Thread.sleep((long) (seconds * 1000));
        if (term) {
            p.destroy();
        } else {
            p.destroyForcibly();
        }
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        int exit = p.exitValue();
        String err = Files.readString(cwd.resolve(name + ".err"));
        Path folder = Files.isDirectory(out) ? RunFolders.only(out) : null;
        if (folder == null) {
            return String.format(Locale.ROOT, "%s at %.2f s: exit %d, no run folder yet", name, seconds, exit);
        }
        String state = RunFolders.checkWhole(folder);
        if (term && exit == 143) {
            assertThat(err).contains("interrupted by SIGTERM; resume with:");
            assertThat(Files.readString(folder.resolve("summary.json"))).contains("\"status\" : \"interrupted\"");
            assertThat(folder.resolve("checkpoint.safetensors")).exists();
        }
        if (exit == 0) {
            assertThat(RunFolders.trajectory(folder.resolve("metrics.csv"))).containsExactlyElementsOf(reference);
        }
        Path resumedOut = cwd.resolve(name + "-resumed");
        Process r = start(args(resumedOut, "--set", "run.resume=" + folder), name + "-resumed");
        assertThat(r.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String rerr = Files.readString(cwd.resolve(name + "-resumed.err"));
        if (Files.exists(folder.resolve("checkpoint.safetensors"))) {
            assertThat(r.exitValue()).as(rerr).isZero();
            Path resumed = RunFolders.only(resumedOut);
            assertThat(RunFolders.trajectory(resumed.resolve("metrics.csv"))).as(name + " resumed")
                    .containsExactlyElementsOf(reference);
            RunFolders.checkWhole(resumed);
            state += ", resumed to the straight run's metrics";
        } else {
            assertThat(r.exitValue()).as(rerr).isEqualTo(2);
            assertThat(rerr.strip().lines().filter(l -> l.startsWith("error: ")).count()).as(rerr).isEqualTo(1);
            state += ", resume refused in one line (no checkpoint yet)";
        }
        return String.format(Locale.ROOT, "%s at %.2f s: exit %d, %s", name, seconds, exit, state);
    }

    private Process start(List<String> cmd, String name) throws IOException {
        return new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(cwd.resolve(name + ".out").toFile()).redirectError(cwd.resolve(name + ".err").toFile())
                .start();
    }
}
