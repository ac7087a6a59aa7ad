package io.suffice.runtime.train;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the training core needs to know about the run it serves: where it writes, how often it checkpoints, what it
 * exports, and the identity written into every checkpoint and export ({@code task}, the resolved {@code config} and
 * its {@code config_sha256}, {@code suffice_version}).
 *
 * @param directory       the run (or sweep arm) folder
 * @param exportDirectory where exports go (the run folder, or {@code suffice export --out})
 * @param checkpointEvery steps between checkpoints (0: only at the end of training)
 * @param export          export formats ({@code onnx}), or empty
 * @param metadata        identity strings by key
 * @param mode            what the core does with a (non-auxiliary) plan
 */
public record RunIdentity(Path directory, Path exportDirectory, long checkpointEvery, List<String> export,
                          Map<String, String> metadata, Mode mode) {

    /** What the training core does with the task's plan. */
    public enum Mode {
        /** Train, checkpoint, export: a run. */
        TRAIN,
        /** {@code suffice export}: restore the checkpoint, write the exports, stop the task ({@link ExportFinished}). */
        EXPORT,
        /**
         * {@code suffice bench}: train without checkpoints, time every step, stop the task after the last update
         * ({@link BenchFinished}).
         */
        BENCH
    }

    public RunIdentity {
        export = List.copyOf(export);
        metadata = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    }

    /** A run that trains. */
    public RunIdentity(Path directory, Path exportDirectory, long checkpointEvery, List<String> export,
                       Map<String, String> metadata) {
        this(directory, exportDirectory, checkpointEvery, export, metadata, Mode.TRAIN);
    }

    /** The identity of a run of task {@code task} with the resolved config {@code configYaml}. */
    public static Map<String, String> metadata(String task, String configYaml) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("task", task);
        m.put("config_sha256", sha256(configYaml));
        m.put("config", configYaml);
        m.put("suffice_version", version());
        return m;
    }

    /** The suffice version of the build (the Maven project version), or {@code unknown}. */
    public static String version() {
        java.util.Properties p = new java.util.Properties();
        try (var in = RunIdentity.class.getResourceAsStream("/io/suffice/runtime/version.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (java.io.IOException e) {
            return "unknown";
        }
        return p.getProperty("version", "unknown");
    }

    static String sha256(String text) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
