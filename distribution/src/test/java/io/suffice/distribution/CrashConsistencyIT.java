package io.suffice.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.suffice.encoders.onnx.OnnxModelInspector;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.engine.Checkpoints;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

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
    private static final ObjectMapper JSON = new ObjectMapper();
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
        Path straightFolder = only(cwd.resolve("straight"));
        List<String> reference = trajectory(straightFolder.resolve("metrics.csv"));
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
        Path folder = Files.isDirectory(out) ? only(out) : null;
        if (folder == null) {
            return String.format(Locale.ROOT, "%s at %.2f s: exit %d, no run folder yet", name, seconds, exit);
        }
        String state = checkWhole(folder);
        if (term && exit == 143) {
            assertThat(err).contains("interrupted by SIGTERM; resume with:");
            assertThat(Files.readString(folder.resolve("summary.json"))).contains("\"status\" : \"interrupted\"");
            assertThat(folder.resolve("checkpoint.safetensors")).exists();
        }
        if (exit == 0) {
            assertThat(trajectory(folder.resolve("metrics.csv"))).containsExactlyElementsOf(reference);
        }
        Path resumedOut = cwd.resolve(name + "-resumed");
        Process r = start(args(resumedOut, "--set", "run.resume=" + folder), name + "-resumed");
        assertThat(r.waitFor(5, TimeUnit.MINUTES)).isTrue();
        String rerr = Files.readString(cwd.resolve(name + "-resumed.err"));
        if (Files.exists(folder.resolve("checkpoint.safetensors"))) {
            assertThat(r.exitValue()).as(rerr).isZero();
            Path resumed = only(resumedOut);
            assertThat(trajectory(resumed.resolve("metrics.csv"))).as(name + " resumed")
                    .containsExactlyElementsOf(reference);
            checkWhole(resumed);
            state += ", resumed to the straight run's metrics";
        } else {
            assertThat(r.exitValue()).as(rerr).isEqualTo(2);
            assertThat(rerr.strip().lines().filter(l -> l.startsWith("error: ")).count()).as(rerr).isEqualTo(1);
            state += ", resume refused in one line (no checkpoint yet)";
        }
        return String.format(Locale.ROOT, "%s at %.2f s: exit %d, %s", name, seconds, exit, state);
    }

    /** Asserts every file of {@code folder} is whole; returns which files there were. */
    private static String checkWhole(Path folder) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.sorted().toList()) {
                String n = f.getFileName().toString();
                names.add(n);
                if (n.endsWith(".suffice-tmp")) {
                    continue; // an interrupted atomic write: never a result, removed when the folder is used again
                }
                if (n.equals("config.yaml")) {
                    ConfigTree.read(f);
                } else if (n.equals("summary.json")) {
                    JsonNode j = JSON.readTree(f.toFile());
                    assertThat(j.path("status").asText()).as(n).isNotEmpty();
                } else if (n.equals("checkpoint.safetensors")) {
                    Checkpoints.read(f);
                } else if (n.endsWith(".png")) {
                    assertThat(ImageIO.read(f.toFile())).as(n).isNotNull();
                } else if (n.endsWith(".onnx")) {
                    OnnxModelInspector.parse(f);
                } else if (n.equals("metrics.csv")) {
                    checkCsv(f);
                } else if (n.endsWith(".json")) {
                    JSON.readTree(f.toFile());
                }
            }
        }
        String step = names.contains("checkpoint.safetensors")
                ? " (checkpoint at step " + Checkpoints.metadata(folder.resolve("checkpoint.safetensors")).get("step")
                + ")" : "";
        return "files " + names + step + " whole";
    }

    /** Every line but a last one cut by the kill has the header's number of cells. */
    private static void checkCsv(Path f) throws IOException {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        if (lines.isEmpty()) {
            return;
        }
        int cells = lines.get(0).split(",", -1).length;
        int complete = text.endsWith("\n") ? lines.size() : lines.size() - 1;
        for (String line : lines.subList(1, complete)) {
            assertThat(line.split(",", -1)).as(f + ": " + line).hasSize(cells);
        }
    }

    private Process start(List<String> cmd, String name) throws IOException {
        return new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(cwd.resolve(name + ".out").toFile()).redirectError(cwd.resolve(name + ".err").toFile())
                .start();
    }

    /** The rows of metrics.csv without the wall-clock column. */
    private static List<String> trajectory(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int rate = List.of(lines.get(0).split(",")).indexOf("steps_per_s");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            if (rate >= 0 && cells.size() > rate) {
                cells.remove(rate);
            }
            out.add(String.join(",", cells));
        }
        return out;
    }

    private static Path only(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> l = s.toList();
            assertThat(l).as(runs.toString()).hasSize(1);
            return l.get(0);
        }
    }
}
