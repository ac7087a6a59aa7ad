package io.suffice.runtime.slurm;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the scheduler's own tools ({@code sbatch}, {@code squeue}, {@code scontrol}) found on {@code PATH}, each with a
 * bounded wait, and returns what they printed. Stateless apart from the environment it was given.
 */
public final class SlurmCommands {
    /** How long one scheduler command may take before it counts as failed (a controller that does not answer). */
    private static final long TIMEOUT_SECONDS = 120;

    private final Map<String, String> environment;

    /** Tools found on {@code environment}'s {@code PATH}, run with that environment. */
    public SlurmCommands(Map<String, String> environment) {
        this.environment = Map.copyOf(environment);
    }

    /** What one command printed. */
    public record Result(int status, String out, String err) {
        public boolean ok() {
            return status == 0;
        }

        /** The command's error output (or, when empty, its output) as one line. */
        public String message() {
            String text = err.isBlank() ? out : err;
            return String.join("; ", text.strip().lines().map(String::strip).filter(l -> !l.isEmpty()).toList());
        }
    }

    /** The executable {@code tool} on {@code PATH}, or null. */
    public Path find(String tool) {
        String path = environment.getOrDefault("PATH", "");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, tool);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs {@code tool args...} with {@code stdin} as its input (may be null).
     *
     * @throws IllegalStateException when the tool is not on PATH or does not finish in time
     */
    public Result run(String stdin, String tool, String... args) {
        Path exe = find(tool);
        if (exe == null) {
            throw new IllegalStateException(tool + " not found on PATH");
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(exe.toString());
        cmd.addAll(List.of(args));
        try {
            Path out = Files.createTempFile("suffice-" + tool, ".out");
            Path err = Files.createTempFile("suffice-" + tool, ".err");
            try {
                ProcessBuilder pb = new ProcessBuilder(cmd).redirectOutput(out.toFile()).redirectError(err.toFile());
                pb.environment().clear();
                pb.environment().putAll(environment);
                Process p = pb.start();
                try (var in = p.getOutputStream()) {
                    if (stdin != null) {
                        in.write(stdin.getBytes(StandardCharsets.UTF_8));
                    }
                }
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(tool + " did not answer within " + TIMEOUT_SECONDS + " s");
                }
                return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                        Files.readString(err, StandardCharsets.UTF_8));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + tool + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while " + tool + " ran", e);
        }
    }
}
