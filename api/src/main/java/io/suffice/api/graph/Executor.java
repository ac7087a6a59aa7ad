package io.suffice.api.graph;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Compiles graphs into {@link Executable}s on one device. Implemented by the runtime on top of ONNX Runtime; plugins
 * receive it through injection. Compilation lowers the part of the graph the outputs need to one ONNX model and
 * opens a session on it; sessions are cached per (graph, inputs, outputs), so compiling the same function twice is
 * cheap and returns the same executable. Closing the executor closes every executable it made.
 * <p>
 * Thread-safe for {@link #compile}; each executable is single-threaded.
 */
public interface Executor extends AutoCloseable {

    /** The configuration sessions are created with (the effective device after any CPU fallback). */
    ExecutionConfig config();

    /**
     * Compiles the function {@code inputs -> outputs}. Inputs may be graph inputs or parameters (parameters not listed
     * are baked in as constants with their initial values); every graph input the outputs depend on must be listed.
     *
     * @param graph   the graph holding all values
     * @param inputs  values fed at run time, by their names
     * @param outputs values to compute, by output name (names must be unique and not clash with value names)
     */
    Executable compile(Graph graph, List<Value> inputs, Map<String, Value> outputs);

    /**
     * Opens an existing ONNX model file as a frozen function: its graph inputs (those that are not initializers) are
     * the executable's inputs and its graph outputs its outputs, by the names the file gives them. External data is
     * resolved relative to the file's folder. Each run validates the feeds against the file's declared inputs
     * (unknown or missing names, dtype, rank and fixed dimensions) and returns freshly allocated outputs. The
     * executable is closed with this executor.
     * <p>
     * This does not vet the file: callers that accept files from users should first check them (e.g. that external
     * data stays inside the model's folder; the {@code onnx-file} encoder plugin does).
     *
     * @throws IllegalArgumentException when ONNX Runtime cannot load the file (message says why)
     * @throws UnsupportedOperationException for executors that cannot load files
     */
    default Executable load(Path onnxFile) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot load ONNX files");
    }

    /** Closes all sessions. Idempotent. */
    @Override
    void close();
}
