package io.suffice.api.graph;

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

    /** Closes all sessions. Idempotent. */
    @Override
    void close();
}
