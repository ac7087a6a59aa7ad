package io.suffice.api.graph;

import io.suffice.api.tensor.HostTensor;

import java.util.List;
import java.util.Map;

/**
 * A compiled function of a graph: named inputs in, named outputs out, run by the runtime's engine (ONNX Runtime).
 * Compiled once; each {@link #run} validates the feeds (missing, unknown, wrong dtype or shape, and NaN/Inf when
 * the executor was configured to check) and fails with one message naming the culprit.
 * <p>
 * Output tensors are owned by the executable and overwritten by the next run (that is what lets the hot loop
 * allocate nothing); copy them to keep them. Not thread-safe: one thread runs one executable at a time.
 */
public interface Executable extends AutoCloseable {

    /** Input names in the order they were declared at compile time. */
    List<String> inputNames();

    /** Output names in the order they were requested. */
    List<String> outputNames();

    /**
     * Runs the function.
     *
     * @param feeds one tensor per input name; shapes must match the graph's, symbolic dims consistently sized
     * @return outputs by name, owned by this executable and valid until the next run or close
     */
    Map<String, HostTensor> run(Map<String, HostTensor> feeds);

    /** Releases native sessions and tensors. Idempotent. */
    @Override
    void close();
}
