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
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Crash consistency of a run folder (docs/RELIABILITY.md). A run of the launcher is killed with SIGKILL at points
 * chosen by what it has visibly done (at once; once config.yaml exists; after its first checkpoint; while a
 * checkpoint's temporary file exists; mid-run; once the ONNX export exists, i.e. during summary and plots; once
 * summary.json exists, i.e. during plots), and with SIGTERM mid-run. After each kill, every file in the run folder
 * is whole (config, summary, checkpoint, plots and the ONNX export parse; metrics.csv has only complete rows but a
 * possibly cut last line, which a resume drops); {@code run.resume} from the folder either continues and ends with
 * exactly the straight run's metrics, row for row, or - when no checkpoint was written yet - is refused with one
 * error line. SIGTERM additionally leaves {@code status: interrupted} and a checkpoint. A point the run passes before
 * the poll (every 5 ms) sees it becomes a kill a little later; the assertions hold at any moment, and the test prints
 * which state each kill left.
 */
class CrashConsistencyIT {
    private static final int STEPS = 1200;

    @TempDir
    Path cwd;

    private List<String> args(Path out, String... extra) {
        List<String> a = new ArrayList<>(List.of(Cli.home().resolve("bin/suffice").toString(), "run",
                Cli.home().resolve("experiments/large-stepsize-xor.yaml").toString(),
                "--set", "optimizer.stepsize=100", "--set", "task.steps=" + STEPS, "--set", "task.log-every=4",
                "--set", "run.checkpoint-every=60", "--set", "run.export=[onnx]", "--output", out.toString()));
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

        // kill points by what the run has visibly done, so that load on the machine does not shift them
        List<String> report = new ArrayList<>();
        report.add(killAndCheck("kill-at-start", out -> true, false, reference));
        report.add(killAndCheck("kill-after-config", out -> exists(out, "config.yaml"), false, reference));
        report.add(killAndCheck("kill-after-first-checkpoint", out -> exists(out, "checkpoint.safetensors"), false,
                reference));
        report.add(killAndCheck("kill-during-a-checkpoint-write", out -> writing(out, "checkpoint.safetensors"), false,
                reference));
        report.add(killAndCheck("kill-mid-run", out -> rows(out) > STEPS / 8, false, reference));
        report.add(killAndCheck("kill-at-summary", out -> exists(out, "summary.json"), false, reference));
        report.add(killAndCheck("kill-at-export-and-plots", out -> exists(out, "two-layer.onnx"), false, reference));
        report.add(killAndCheck("term-mid-run", out -> rows(out) > STEPS / 8, true, reference));
        System.out.printf(Locale.ROOT, "crash consistency (straight run %.1f s):%n  %s%n", wall,
                String.join("\n  ", report));
    }

    /** Kills a run once {@code when} holds for its output folder, checks the folder, resumes it; one line of what
     * happened. */
    private String killAndCheck(String name, Predicate<Path> when, boolean term, List<String> reference)
            throws Exception {
        Path out = cwd.resolve(name);
        long t0 = System.nanoTime();
        Process p = start(args(out), name);
        while (p.isAlive() && !when.test(out)) {
            Thread.sleep(5);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
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
            assertThat(err).containsPattern("interrupted by SIGTERM at step \\d+; checkpoint "
                    + java.util.regex.Pattern.quote(folder.resolve("checkpoint.safetensors").toString())
                    + "; resume with: ").doesNotContainPattern("(?m)^failed: ");
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

    /** Whether the single run folder under {@code out} holds {@code file}. */
    private static boolean exists(Path out, String file) {
        try (Stream<Path> s = Files.list(out)) {
            return s.anyMatch(f -> Files.exists(f.resolve(file)));
        } catch (IOException e) {
            return false;
        }
    }

    /** Whether an atomic write of {@code file} is under way (its temporary file exists) in the run folder. */
    private static boolean writing(Path out, String file) {
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.toList()) {
                try (Stream<Path> in = Files.list(f)) {
                    if (in.anyMatch(x -> x.getFileName().toString().startsWith("." + file + "."))) {
                        return true;
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return false;
        }
        return false;
    }

    /** Lines of the run's metrics.csv so far. */
    private static long rows(Path out) {
        try (Stream<Path> s = Files.list(out)) {
            for (Path f : s.toList()) {
                if (Files.exists(f.resolve("metrics.csv"))) {
                    try (Stream<String> l = Files.lines(f.resolve("metrics.csv"))) {
                        return l.count();
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            return 0;
        }
        return 0;
    }

    private Process start(List<String> cmd, String name) throws IOException {
        return new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(cwd.resolve(name + ".out").toFile()).redirectError(cwd.resolve(name + ".err").toFile())
                .start();
    }
}
