package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

/**
 * Affine map {@code y = x W + b} over the last dimension: {@code x [..., in] -> y [..., out]}. Parameters
 * {@code <name>.weight [in, out]} and {@code <name>.bias [out]}, both drawn from U(-1/sqrt(in), 1/sqrt(in)) as in
 * PyTorch's default. Immutable once built; building is not thread-safe (see {@link Graph}).
 */
public final class Linear {
    private final Graph graph;
    private final Value weight;
    private final Value bias;

    public Linear(Graph graph, String name, long in, long out) {
        this(graph, name, in, out, true, DType.FLOAT32);
    }

    public Linear(Graph graph, String name, long in, long out, boolean bias, DType dtype) {
        this.graph = graph;
        double bound = 1 / Math.sqrt(in);
        this.weight = graph.parameter(name + ".weight", dtype, Shape.of(in, out), Init.uniform(bound));
        this.bias = bias ? graph.parameter(name + ".bias", dtype, Shape.of(out), Init.uniform(bound)) : null;
    }

    public Value weight() {
        return weight;
    }

    /** The bias, or null when built without one. */
    public Value bias() {
        return bias;
    }

    public Value apply(Value x) {
        Value y = graph.matMul(x, weight);
        return bias == null ? y : graph.add(y, bias);
    }
}
