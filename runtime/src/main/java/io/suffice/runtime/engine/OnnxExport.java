package io.suffice.runtime.engine;

import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * Writes a forward graph with trained weights as a standalone {@code .onnx} file: every parameter becomes an
 * initializer holding its current value from a {@link ParameterStore}, the listed inputs stay graph inputs (with a
 * symbolic batch dimension {@code N}). Any ONNX tool can load the result; ONNX Runtime reproduces the outputs the
 * engine computes. The file is written atomically. Stateless.
 */
public final class OnnxExport {
    private OnnxExport() {
    }

    /**
     * @param file    destination; replaced atomically if it exists
     * @param inputs  graph inputs of the exported model (batch fields, not parameters)
     * @param outputs outputs by name
     * @param store   trained parameter values; parameters absent from it keep their initial values
     */
    public static void export(Path file, List<Value> inputs, Map<String, Value> outputs, ParameterStore store)
            throws IOException {
        for (Value v : inputs) {
            if (v.kind() != Value.Kind.INPUT) {
                throw new IllegalArgumentException("exported inputs must be graph inputs, not " + v);
            }
        }
        var model = OnnxLowering.lower("suffice-export", inputs, outputs, store.asMap());
        writeAtomically(file, out -> model.writeTo(out));
    }

    /** Something that writes a whole file's content. */
    @FunctionalInterface
    interface Writer {
        void write(OutputStream out) throws IOException;
    }

    /** Writes to a temporary sibling, forces it to disk, then renames it over {@code file} in one atomic step. */
    static void writeAtomically(Path file, Writer writer) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
        try {
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.TRUNCATE_EXISTING);
                 OutputStream out = new java.io.BufferedOutputStream(java.nio.channels.Channels.newOutputStream(ch),
                         1 << 16)) {
                writer.write(out);
                out.flush();
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
