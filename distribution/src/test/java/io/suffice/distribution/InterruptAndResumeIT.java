package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The training core as a user meets it, through the launcher in its own process: SIGTERM writes a checkpoint,
 * records {@code status: interrupted}, says how to resume and exits 143; the resumed run continues exactly where the
 * straight run would be (its metrics.csv holds the whole history and equals the straight run's rows); a missing or
 * foreign checkpoint and a bad range are configuration errors (exit 2) that leave no run folder.
 */
class InterruptAndResumeIT {
    @TempDir
    Path cwd;

    private static final String CONFIG = "experiments/large-stepsize-xor.yaml";

    private Path config() {
        return Cli.home().resolve(CONFIG);
    }

    @Test
    void sigtermCheckpointsAndTheResumedRunEqualsTheStraightOne() throws Exception {
        Path out = cwd.resolve("runs");
        List<String> cmd = new ArrayList<>(List.of(Cli.home().resolve("bin/suffice").toString(), "run",
                config().toString(), "--set", "optimizer.stepsize=100", "--set", "task.steps=100000000",
                "--set", "task.log-every=50", "--set", "run.checkpoint-every=1000000", "--output", out.toString()));
        Path err = cwd.resolve("err.txt");
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile()).redirectError(err.toFile())
                .redirectOutput(cwd.resolve("out.txt").toFile()).start();
        Path metrics = waitForRows(out, 40, p);
        p.destroy(); // SIGTERM
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("the run stops after SIGTERM").isTrue();
        String stderr = Files.readString(err, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(stderr).isEqualTo(143);
        Path folder = metrics.getParent();
        assertThat(Files.readString(folder.resolve("summary.json"))).contains("\"status\" : \"interrupted\"")
                .contains("interrupted by SIGTERM at step ");
        assertThat(Files.exists(folder.resolve("checkpoint.safetensors"))).isTrue();
        long step = Long.parseLong(Files.readString(folder.resolve("summary.json"))
                .replaceAll("(?s).*interrupted by SIGTERM at step (\\d+).*", "$1"));
        assertThat(stderr).contains("interrupted by SIGTERM at step " + step + "; checkpoint "
                + folder.resolve("checkpoint.safetensors") + "; resume with: suffice run "
                + folder.resolve("config.yaml") + " --set run.resume=" + folder);
        assertThat(stderr).doesNotContainPattern("(?m)^failed: ");
        assertThat(Files.readString(cwd.resolve("out.txt"))).doesNotContain("FAILED")
                .contains("interrupted by SIGTERM at step " + step);
        assertThat(step).isGreaterThan(40 * 50 - 50);

        long total = step + 777;
        Cli.Result resumed = Cli.run(cwd, "run", folder.resolve("config.yaml").toString(), "--set",
                "run.resume=" + folder, "--set", "task.steps=" + total, "--output", cwd.resolve("resumed").toString());
        assertThat(resumed.status()).as(resumed.err()).isZero();
        Cli.Result straight = Cli.run(cwd, "run", config().toString(), "--set", "optimizer.stepsize=100",
                "--set", "task.steps=" + total, "--set", "task.log-every=50",
                "--output", cwd.resolve("straight").toString());
        assertThat(straight.status()).as(straight.err()).isZero();
        List<String> a = trajectory(only(cwd.resolve("resumed")).resolve("metrics.csv"));
        List<String> b = trajectory(only(cwd.resolve("straight")).resolve("metrics.csv"));
        assertThat(a.get(0)).startsWith("0,");
        assertThat(a).containsExactlyElementsOf(b);
    }

    @Test
    void badResumeSourcesAndRangesAreConfigurationErrorsWithoutARunFolder() throws Exception {
        Path out = cwd.resolve("runs");
        Path notCheckpoint = Files.writeString(cwd.resolve("x.safetensors"), "{\"a\": 1}");
        for (String[] set : List.of(
                new String[]{"run.resume=" + cwd.resolve("nowhere")},
                new String[]{"run.resume=" + notCheckpoint},
                new String[]{"task.steps=0"},
                new String[]{"optimizer.stepsize=nan"},
                new String[]{"optimizer.stepsize=-1"})) {
            List<String> args = new ArrayList<>(List.of("run", config().toString(), "--output", out.toString()));
            for (String s : set) {
                args.add("--set");
                args.add(s);
            }
            Cli.Result r = Cli.run(cwd, args.toArray(String[]::new));
            assertThat(r.status()).as(String.join(" ", set) + ": " + r.err()).isEqualTo(2);
            assertThat(r.err().strip().lines().filter(l -> l.startsWith("error: ")).count()).as(r.err()).isEqualTo(1);
            assertThat(Files.exists(out)).as("no run folder for " + String.join(" ", set)).isFalse();
        }
    }

    /** The rows of metrics.csv without the wall-clock column. */
    private static List<String> trajectory(Path csv) throws Exception {
        List<String> lines = Files.readAllLines(csv);
        List<String> header = List.of(lines.get(0).split(","));
        int rate = header.indexOf("steps_per_s");
        List<String> out = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            if (rate >= 0) {
                cells.remove(rate);
            }
            out.add(String.join(",", cells));
        }
        return out;
    }

    private static Path only(Path runs) throws Exception {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> l = s.toList();
            assertThat(l).hasSize(1);
            return l.get(0);
        }
    }

    /** Waits until the single run under {@code out} has logged {@code rows} metrics rows; returns its metrics.csv. */
    private static Path waitForRows(Path out, int rows, Process p) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            assertThat(p.isAlive()).as("the run is still going").isTrue();
            if (Files.isDirectory(out)) {
                try (Stream<Path> s = Files.walk(out)) {
                    for (Path f : s.filter(f -> f.getFileName().toString().equals("metrics.csv")).toList()) {
                        if (Files.readAllLines(f).size() > rows) {
                            return f;
                        }
                    }
                }
            }
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new AssertionError("no " + rows + " metrics rows within 3 minutes");
    }
}
