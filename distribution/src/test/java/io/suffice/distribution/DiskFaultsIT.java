package io.suffice.distribution;

import io.suffice.runtime.engine.Checkpoints;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A run whose output folder fills up or becomes read-only (docs/RELIABILITY.md): the CLI exits 1 with one
 * {@code failed:} line naming the path it could not write and why (and, where summary.json could not be written, a
 * line with the record it would hold); the last good checkpoint stays readable and resumable; no file in the folder
 * is corrupt. The faults are real: a 96 KB tmpfs for the full disk, a read-only bind
 * mount over the run folder mid-run for the read-only one. Mounting needs root (or CAP_SYS_ADMIN); where the machine
 * refuses, the tests are skipped (they are not part of CI's promise, see .ci/run).
 */
class DiskFaultsIT {
    @TempDir
    Path cwd;

    private final List<Path> mounted = new ArrayList<>();

    @AfterEach
    void unmount() throws Exception {
        for (int i = mounted.size() - 1; i >= 0; i--) {
            sh("umount", mounted.get(i).toString());
        }
    }

    private static int sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
    }

    private Path tmpfs(String size) throws Exception {
        Path dir = Files.createDirectories(cwd.resolve("disk"));
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString()) == 0,
                "this machine does not let the test mount a tmpfs (needs root)");
        mounted.add(dir);
        return dir;
    }

    private List<String> run(Path out, int steps, int logEvery) {
        return new ArrayList<>(List.of(Cli.home().resolve("bin/suffice").toString(), "run",
                Cli.home().resolve("experiments/large-stepsize-xor.yaml").toString(),
                "--set", "optimizer.stepsize=100", "--set", "task.steps=" + steps,
                "--set", "task.log-every=" + logEvery, "--set", "run.checkpoint-every=100",
                "--output", out.toString()));
    }

    @Test
    void aFullDiskFailsInOneLineNamingThePathAndKeepsTheLastCheckpoint() throws Exception {
        Path disk = tmpfs("96k");
        List<String> cmd = run(disk.resolve("runs"), 3000, 1);
        Cli.Result r = Cli.run(cwd, cmd.subList(1, cmd.size()).toArray(String[]::new)); // Cli adds the launcher
        checkFailure(r, disk, "No space left on device", 1);
    }

    @Test
    void aFolderTurnedReadOnlyFailsInOneLineNamingThePathAndKeepsTheLastCheckpoint() throws Exception {
        Path disk = tmpfs("20m");
        Path err = cwd.resolve("ro.err");
        Process p = new ProcessBuilder(run(disk.resolve("runs"), 1_000_000, 10)).directory(cwd.toFile())
                .redirectOutput(cwd.resolve("ro.out").toFile()).redirectError(err.toFile()).start();
        Path folder = null;
        for (int i = 0; i < 1200 && folder == null; i++) {
            assertThat(p.isAlive()).as("the run is still going").isTrue();
            if (Files.isDirectory(disk.resolve("runs"))) {
                Path f = RunFolders.only(disk.resolve("runs"));
                folder = Files.exists(f.resolve("checkpoint.safetensors")) ? f : null;
            }
            Thread.sleep(100);
        }
        assertThat(folder).as("a first checkpoint").isNotNull();
        // the run folder becomes read-only under the running process (open files stay writable, new ones fail)
        assertThat(sh("mount", "--bind", folder.toString(), folder.toString())).isZero();
        mounted.add(folder);
        assertThat(sh("mount", "-o", "remount,ro,bind", folder.toString())).isZero();
        assertThat(p.waitFor(3, TimeUnit.MINUTES)).as("the run stops").isTrue();
        String stderr = Files.readString(err);
        // summary.json cannot be written into the folder: its record is the line after the failure on stderr
        assertThat(folder.resolve("summary.json")).doesNotExist();
        assertThat(stderr.lines().filter(l -> l.startsWith("run: summary.json could not be written (")).toList())
                .as(stderr).singleElement().asString().contains("Read-only file system")
                .contains("; it would hold: {\"status\":\"failed\",\"error\":\"cannot write checkpoint ");
        checkFailure(new Cli.Result(p.exitValue(), "", stderr), disk, "Read-only file system", 10);
    }

    /** Exit 1, one failed line naming a path on the faulty disk and the cause; the folder whole and resumable. */
    private void checkFailure(Cli.Result r, Path disk, String cause, int logEvery) throws Exception {
        assertThat(r.status()).as(r.err()).isEqualTo(1);
        List<String> failed = r.err().lines().filter(l -> l.startsWith("failed: ")).toList();
        assertThat(failed).as(r.err()).hasSize(1);
        // the run's own first failure, not one of the writes after it (plots, summary, report.html)
        assertThat(failed.get(0)).startsWith("failed: run: ").contains(disk.toString()).endsWith(cause);
        assertThat(r.err()).doesNotContain("Exception in thread").doesNotContain("\tat ");
        Path folder = RunFolders.only(disk.resolve("runs"));
        RunFolders.checkWhole(folder);
        Path checkpoint = folder.resolve("checkpoint.safetensors");
        assertThat(checkpoint).as("the last good checkpoint").exists();
        long step = Long.parseLong(Checkpoints.metadata(checkpoint).get("step"));
        assertThat(step).isPositive();
        Cli.Result resumed = Cli.run(cwd, "run", Cli.home().resolve("experiments/large-stepsize-xor.yaml").toString(),
                "--set", "optimizer.stepsize=100", "--set", "task.steps=" + (step + 50),
                "--set", "task.log-every=" + logEvery,
                "--set", "run.checkpoint-every=100", "--set", "run.resume=" + folder,
                "--output", cwd.resolve("resumed").toString());
        assertThat(resumed.status()).as(resumed.err()).isZero();
    }
}
