package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;

/**
 * Multi-head scaled dot-product self-attention: {@code x [B, T, dim] -> [B, T, dim]} with {@code heads} heads of
 * size {@code dim / heads}. Parameters: {@code <name>.q/.k/.v/.out} {@link Linear} layers. B and T may be symbolic.
 * An optional additive mask {@code [B or 1, 1, T, T]} (0 = attend, large negative = ignore) is added to the scores.
 * Immutable once built.
 */
public final class MultiHeadAttention {
    private final Graph graph;
    private final long dim;
    private final long heads;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear out;

    public MultiHeadAttention(Graph graph, String name, long dim, long heads) {
        this(graph, name, dim, heads, DType.FLOAT32);
    }

    public MultiHeadAttention(Graph graph, String name, long dim, long heads, DType dtype) {
        if (dim % heads != 0) {
            throw new IllegalArgumentException("dim " + dim + " is not divisible by " + heads + " heads");
        }
        this.graph = graph;
        this.dim = dim;
        this.heads = heads;
        this.q = new Linear(graph, name + ".q", dim, dim, true, dtype);
        this.k = new Linear(graph, name + ".k", dim, dim, true, dtype);
        this.v = new Linear(graph, name + ".v", dim, dim, true, dtype);
        this.out = new Linear(graph, name + ".out", dim, dim, true, dtype);
    }

    public Value apply(Value x) {
        return apply(x, null);
    }

    /** Attention with an additive mask (may be null). */
    public Value apply(Value x, Value mask) {
        long dh = dim / heads;
        Value qh = split(q.apply(x));
        Value kh = split(k.apply(x));
        Value vh = split(v.apply(x));
        Value scores = graph.mul(graph.matMul(qh, graph.transpose(kh, 0, 1, 3, 2)),
                graph.scalar(1 / Math.sqrt(dh), x.dtype()));
        if (mask != null) {
            scores = graph.add(scores, mask);
        }
        Value ctx = graph.matMul(graph.softmax(scores, -1), vh);
        // [B, H, T, Dh] -> [B, T, H, Dh] -> [B, T, dim]; 0 copies the (possibly symbolic) B and T
        Value merged = graph.reshape(graph.transpose(ctx, 0, 2, 1, 3), 0, 0, dim);
        return out.apply(merged);
    }

    /** [B, T, dim] -> [B, H, T, Dh]. */
    private Value split(Value t) {
        return graph.transpose(graph.reshape(t, 0, 0, heads, dim / heads), 0, 2, 1, 3);
    }
}
