package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

/**
 * Layer normalisation over the last dimension ({@code [..., dim] -> [..., dim]}) with a learned scale
 * ({@code <name>.scale}, ones) and shift ({@code <name>.bias}, zeros); epsilon 1e-5. Immutable once built.
 */
public final class LayerNorm {
    private final Graph graph;
    private final Value scale;
    private final Value bias;
    private final double epsilon;

    public LayerNorm(Graph graph, String name, long dim) {
        this(graph, name, dim, 1e-5, DType.FLOAT32);
    }

    public LayerNorm(Graph graph, String name, long dim, double epsilon, DType dtype) {
        this.graph = graph;
        this.scale = graph.parameter(name + ".scale", dtype, Shape.of(dim), Init.ones());
        this.bias = graph.parameter(name + ".bias", dtype, Shape.of(dim), Init.zeros());
        this.epsilon = epsilon;
    }

    public Value apply(Value x) {
        return graph.layerNormalization(x, scale, bias, -1, epsilon);
    }
}
