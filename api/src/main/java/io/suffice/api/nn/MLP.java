package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * A stack of {@link Linear} layers ({@code <name>.0}, {@code <name>.1}, ...) with an activation between them (not
 * after the last): {@code [..., widths[0]] -> [..., widths[last]]}. The default activation is exact GELU.
 * Immutable once built.
 */
public final class MLP {
    private final Graph graph;
    private final List<Linear> layers = new ArrayList<>();
    private final BiFunction<Graph, Value, Value> activation;

    /** GELU MLP in FLOAT32. */
    public MLP(Graph graph, String name, long... widths) {
        this(graph, name, Graph::gelu, DType.FLOAT32, widths);
    }

    public MLP(Graph graph, String name, BiFunction<Graph, Value, Value> activation, DType dtype, long... widths) {
        if (widths.length < 2) {
            throw new IllegalArgumentException("an MLP needs at least input and output widths");
        }
        this.graph = graph;
        this.activation = activation;
        for (int i = 0; i + 1 < widths.length; i++) {
            layers.add(new Linear(graph, name + "." + i, widths[i], widths[i + 1], true, dtype));
        }
    }

    public Value apply(Value x) {
        Value h = x;
        for (int i = 0; i < layers.size(); i++) {
            h = layers.get(i).apply(h);
            if (i + 1 < layers.size()) {
                h = activation.apply(graph, h);
            }
        }
        return h;
    }
}
