package io.suffice.distribution;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the assembled launcher ({@code target/suffice/bin/suffice}) as a separate process. */
final class Cli {
    record Result(int status, String out, String err) {
    }

    private Cli() {
    }

    static Path home() {
        return Path.of(System.getProperty("suffice.home"));
    }

    static Path examplePluginJar() throws IOException {
        try (var files = Files.list(Path.of(System.getProperty("example.plugin.dir")))) {
            return files.filter(f -> f.toString().endsWith(".jar")).findFirst().orElseThrow();
        }
    }

    /** Runs {@code suffice args...} with working directory {@code cwd}. */
    static Result run(Path cwd, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(home().resolve("bin/suffice").toString()));
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile(cwd, "out", ".txt");
        Path err = Files.createTempFile(cwd, "err", ".txt");
        Process p = new ProcessBuilder(cmd).directory(cwd.toFile())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("suffice " + args[0] + " did not finish in 5 minutes");
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }
}
