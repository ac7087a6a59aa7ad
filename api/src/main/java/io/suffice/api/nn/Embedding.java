package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

/**
 * Lookup table {@code <name>.weight [vocab, dim]} drawn from N(0, 1) (PyTorch's default): INT64 indices of any shape
 * {@code [...]} map to {@code [..., dim]}. Immutable once built.
 */
public final class Embedding {
    private final Graph graph;
    private final Value table;

    public Embedding(Graph graph, String name, long vocab, long dim) {
        this(graph, name, vocab, dim, DType.FLOAT32);
    }

    public Embedding(Graph graph, String name, long vocab, long dim, DType dtype) {
        this.graph = graph;
        this.table = graph.parameter(name + ".weight", dtype, Shape.of(vocab, dim), Init.normal(1.0));
    }

    public Value table() {
        return table;
    }

    public Value apply(Value indices) {
        return graph.gather(table, indices, 0);
    }
}
