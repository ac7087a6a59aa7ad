package io.suffice.distribution.fuzz;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The property every fuzz target checks (docs/RELIABILITY.md): a parser fed any bytes either accepts them or throws
 * one of the project's error types for that input, thrown by suffice code (not passed through from a library), with
 * a message that is one line, not blank, and short (a culprit is named, the file is never dumped). Anything else -
 * another exception, an error, a message of several lines - fails the input, and Jazzer keeps it as a finding.
 * <p>
 * A hang is an input that runs longer than {@code fuzz.hang-seconds} (default 60, far above any seed's time): a
 * watchdog thread writes it to {@code target/fuzz-hangs/} with every thread's stack and halts the JVM, so a hang
 * fails the build (regression mode) or ends the campaign with the input kept (fuzzing mode).
 */
final class FuzzContract {
    /**
     * How long {@code JAZZER_FUZZ=1} fuzzes one target (the 10 minutes; end a campaign sooner with Ctrl-C or
     * {@code timeout}: libFuzzer's status lines count the executions so far). Regression mode ignores it.
     */
    static final String CAMPAIGN = "10m";

    /** Longest accepted message: a path, the defect and a quoted culprit fit; a dumped file does not. */
    static final int MAX_MESSAGE = 1000;

    private static final Watchdog WATCHDOG = new Watchdog(
            Long.getLong("fuzz.hang-seconds", 60) * 1_000_000_000L);

    private FuzzContract() {
    }

    /** Body of one fuzz input; may throw anything. */
    @FunctionalInterface
    interface Body {
        void run() throws Exception;
    }

    /**
     * Runs {@code body} on {@code input} under the watchdog and checks the contract.
     *
     * @param target   the fuzz target's name (for the hang file)
     * @param accepted the error types the parser may throw for bad input
     */
    @SafeVarargs
    static void check(String target, byte[] input, Body body, Class<? extends Throwable>... accepted) {
        WATCHDOG.arm(target, input);
        try {
            body.run();
        } catch (Throwable t) {
            String defect = defect(t, List.of(accepted));
            if (defect != null) {
                throw new AssertionError(target + ": " + defect + ": " + t, t);
            }
        } finally {
            WATCHDOG.disarm();
        }
    }

    /** Why {@code t} breaks the contract, or null when it keeps it. */
    static String defect(Throwable t, List<Class<? extends Throwable>> accepted) {
        if (accepted.stream().noneMatch(c -> c.isInstance(t))) {
            return "not one of the project's error types " + accepted.stream().map(Class::getSimpleName).toList();
        }
        StackTraceElement[] trace = t.getStackTrace();
        if (trace.length == 0 || !trace[0].getClassName().startsWith("io.suffice.")) {
            return "thrown by " + (trace.length == 0 ? "unknown code" : trace[0].getClassName())
                    + ", not by suffice code that names the culprit";
        }
        String m = t.getMessage();
        if (m == null || m.isBlank()) {
            return "no message";
        }
        if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
            return "a message of several lines";
        }
        if (m.length() > MAX_MESSAGE) {
            return "a message of " + m.length() + " characters";
        }
        return null;
    }

    /** Writes {@code bytes} to a fresh file named {@code name} in a fresh temporary folder. */
    static Path file(String name, byte[] bytes) {
        try {
            Path dir = Files.createTempDirectory("suffice-fuzz");
            dir.toFile().deleteOnExit();
            Path f = dir.resolve(name);
            Files.write(f, bytes);
            f.toFile().deleteOnExit();
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Deletes a folder made by {@link #file} (fuzzing runs millions of inputs; /tmp must not fill up). */
    static void delete(Path file) {
        try {
            Path dir = file.getParent();
            try (var s = Files.walk(dir)) {
                for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Halts the JVM when one input runs past the limit, keeping the input and every thread's stack. */
    private static final class Watchdog {
        private final long limitNanos;
        private final AtomicReference<Running> running = new AtomicReference<>();

        private record Running(String target, byte[] input, long since) {
        }

        Watchdog(long limitNanos) {
            this.limitNanos = limitNanos;
            Thread t = new Thread(this::watch, "fuzz-watchdog");
            t.setDaemon(true);
            t.start();
        }

        void arm(String target, byte[] input) {
            running.set(new Running(target, input, System.nanoTime()));
        }

        void disarm() {
            running.set(null);
        }

        private void watch() {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                Running r = running.get();
                if (r != null && System.nanoTime() - r.since() > limitNanos) {
                    hang(r);
                }
            }
        }

        private void hang(Running r) {
            StringBuilder stacks = new StringBuilder();
            for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
                stacks.append(e.getKey().getName()).append('\n');
                for (StackTraceElement s : e.getValue()) {
                    stacks.append("    at ").append(s).append('\n');
                }
            }
            try {
                Path dir = Files.createDirectories(Path.of("target", "fuzz-hangs"));
                Path f = dir.resolve(r.target() + "-" + sha1(r.input()));
                Files.write(f, r.input());
                Files.writeString(dir.resolve(f.getFileName() + ".stacks.txt"), stacks);
                System.err.println("fuzz: " + r.target() + ": an input ran over " + limitNanos / 1_000_000_000L
                        + " s; kept as " + f.toAbsolutePath());
            } catch (IOException e) {
                System.err.println("fuzz: " + r.target() + ": hang; cannot keep the input: " + e);
            }
            System.err.println(stacks);
            Runtime.getRuntime().halt(70);
        }

        private static String sha1(byte[] b) {
            try {
                return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(b));
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
    }
}
