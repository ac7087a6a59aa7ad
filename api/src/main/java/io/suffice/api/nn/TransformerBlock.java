package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;

/**
 * One pre-LayerNorm transformer block as the contrastive-JGHM paper's models use it (contrastive-jghm.md sec. 5):
 * {@code h += O(Attn(Q LN1(h), K LN1(h), V LN1(h))); h += MLP(LN2(h))}, with bias-free Q/K/V/O projections, scores
 * scaled by {@code 1/sqrt(width / heads)}, an optional additive mask, and a GELU MLP {@code width -> 4 width -> width}.
 * Maps {@code [B, T, width] -> [B, T, width]}; B and T may be symbolic.
 * <p>
 * Parameters: {@code <name>.{ln1,ln2}.{scale,bias}}, {@code <name>.{q,k,v,o}.weight},
 * {@code <name>.mlp.{0,1}.{weight,bias}}. Immutable once built; building is not thread-safe (see {@link Graph}).
 */
public final class TransformerBlock {
    private final Graph graph;
    private final long width;
    private final long heads;
    private final DType dtype;
    private final LayerNorm ln1;
    private final Linear q;
    private final Linear k;
    private final Linear v;
    private final Linear o;
    private final LayerNorm ln2;
    private final Linear fc1;
    private final Linear fc2;

    public TransformerBlock(Graph graph, String name, long width, long heads, DType dtype) {
        if (width < 1 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        }
        this.graph = graph;
        this.width = width;
        this.heads = heads;
        this.dtype = dtype;
        this.ln1 = new LayerNorm(graph, name + ".ln1", width, 1e-5, dtype);
        this.q = new Linear(graph, name + ".q", width, width, false, dtype);
        this.k = new Linear(graph, name + ".k", width, width, false, dtype);
        this.v = new Linear(graph, name + ".v", width, width, false, dtype);
        this.o = new Linear(graph, name + ".o", width, width, false, dtype);
        this.ln2 = new LayerNorm(graph, name + ".ln2", width, 1e-5, dtype);
        this.fc1 = new Linear(graph, name + ".mlp.0", width, 4 * width, true, dtype);
        this.fc2 = new Linear(graph, name + ".mlp.1", 4 * width, width, true, dtype);
    }

    /**
     * @param h    {@code [B, T, width]}
     * @param mask additive attention mask broadcastable to {@code [B, heads, T, T]} (0 attend, large negative
     *             ignore), or null for bidirectional attention
     */
    public Value apply(Value h, Value mask) {
        Graph g = graph;
        Value a = ln1.apply(h);
        long dh = width / heads;
        Value scale = g.scalar(1 / Math.sqrt(dh), dtype);
        Value ctx;
        if (heads == 1 && mask == null) {
            // One head needs no split into [B, H, T, dh]: two fewer transposes per block.
            Value s = g.mul(g.matMul(q.apply(a), g.transpose(k.apply(a), 0, 2, 1)), scale);   // [B, T, T]
            ctx = g.matMul(g.softmax(s, -1), v.apply(a));                                    // [B, T, d]
        } else {
            Value s = g.mul(g.matMul(split(q.apply(a)), g.transpose(split(k.apply(a)), 0, 1, 3, 2)), scale);
            if (mask != null) {
                s = g.add(s, mask);                                                          // [B, H, T, T]
            }
            Value c = g.matMul(g.softmax(s, -1), split(v.apply(a)));                         // [B, H, T, dh]
            ctx = g.reshape(g.transpose(c, 0, 2, 1, 3), 0, 0, width);                       // [B, T, d]
        }
        h = g.add(h, o.apply(ctx));
        return g.add(h, fc2.apply(g.gelu(fc1.apply(ln2.apply(h)))));
    }

    /** [B, T, width] -> [B, H, T, dh]. */
    private Value split(Value x) {
        return graph.transpose(graph.reshape(x, 0, 0, heads, width / heads), 0, 2, 1, 3);
    }
}
