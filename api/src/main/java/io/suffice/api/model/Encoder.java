package io.suffice.api.model;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * A model architecture created by an {@link io.suffice.api.plugin.EncoderProvider}: it maps a batch field to an
 * output (an embedding, or a logit for a classifier). An encoder is a graph builder: {@link #forward} declares its
 * parameters in a {@link Graph} (names prefixed with {@link #name()}) and returns its output, which the runtime then
 * differentiates, compiles and runs. Implementations should be immutable configurations; calling {@code forward}
 * twice on one graph is an error (the parameter names would clash).
 *
 * <pre>{@code
 * Graph g = new Graph(seed);
 * Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 784);
 * Value z = encoder.forward(g, x);          // [N, outputDim]
 * }</pre>
 */
public interface Encoder {

    /** A short human-readable summary (architecture and sizes), written to the run log. */
    String summary();

    /** Prefix of this encoder's parameter names. */
    default String name() {
        return "encoder";
    }

    /**
     * Declares the parameters in {@code graph} and builds the forward pass.
     *
     * @param graph the graph to build into
     * @param input the batch field this encoder reads, with a symbolic batch dimension
     * @return the output, batch dimension first
     */
    default Value forward(Graph graph, Value input) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not build a graph");
    }

    /**
     * Builds the forward pass like {@link #forward} (same parameters, same output) and also returns the hidden state
     * after each block, for objectives that act on them (the guided CLIP variant, contrastive-jghm.md sec. 5). Like
     * {@code forward}, call it at most once per graph. The default has no hidden states; encoders with blocks
     * override it and build {@code forward} through it, so the two cannot drift apart.
     */
    default EncoderTrace trace(Graph graph, Value input) {
        return new EncoderTrace(forward(graph, input), java.util.List.of());
    }

    /**
     * The same architecture with parameter names prefixed by {@code name} instead, so that two towers of one
     * configuration (an image and a text encoder) can live in one graph.
     *
     * @throws UnsupportedOperationException for encoders that cannot be renamed
     */
    default Encoder withName(String name) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot be renamed");
    }
}
