package io.suffice.downstream.generative;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.Linear;
import io.suffice.api.tensor.DType;

/**
 * The body of the contrastive-JGHM paper's generative models (contrastive-jghm.md sec. 5): {@code depth} pre-LayerNorm
 * blocks {@code h += Attn(LN1(h)); h += MLP(LN2(h))} with single- or multi-head attention (Q/K/V/O without bias,
 * scores scaled by {@code 1/sqrt(head size)}), a GELU MLP {@code d -> 4d -> d}, and a final LayerNorm. Attention is
 * bidirectional unless an additive mask is given (see {@link CausalMask}). Maps {@code [B, T, d] -> [B, T, d]}.
 * <p>
 * Parameters {@code <name>.block<i>.{ln1,ln2}.*, .{q,k,v,o}.weight, .mlp.{0,1}.*} and {@code <name>.ln.*}.
 * Immutable once built; building is not thread-safe (see {@link Graph}).
 *
 * @param width model width d
 * @param depth number of blocks
 * @param heads attention heads (divides d)
 * @param dtype FLOAT32 for training, FLOAT64 for gradient checks
 */
public record TransformerStack(String name, int width, int depth, int heads, DType dtype) {

    public TransformerStack {
        if (width < 1 || depth < 0 || heads < 1 || width % heads != 0) {
            throw new IllegalArgumentException("bad transformer sizes: width " + width + ", depth " + depth
                    + ", heads " + heads);
        }
    }

    /**
     * Builds the blocks into {@code g}.
     *
     * @param h    {@code [B, T, d]}
     * @param mask additive attention mask broadcastable to {@code [B, H, T, T]} (0 attend, large negative ignore),
     *             or null for bidirectional attention
     */
    public Value apply(Graph g, Value h, Value mask) {
        for (int i = 0; i < depth; i++) {
            h = block(g, name + ".block" + i, h, mask);
        }
        return new LayerNorm(g, name + ".ln", width, 1e-5, dtype).apply(h);
    }

    private Value block(Graph g, String p, Value h, Value mask) {
        LayerNorm ln1 = new LayerNorm(g, p + ".ln1", width, 1e-5, dtype);
        Linear q = new Linear(g, p + ".q", width, width, false, dtype);
        Linear k = new Linear(g, p + ".k", width, width, false, dtype);
        Linear v = new Linear(g, p + ".v", width, width, false, dtype);
        Linear o = new Linear(g, p + ".o", width, width, false, dtype);
        LayerNorm ln2 = new LayerNorm(g, p + ".ln2", width, 1e-5, dtype);
        Linear fc1 = new Linear(g, p + ".mlp.0", width, 4L * width, true, dtype);
        Linear fc2 = new Linear(g, p + ".mlp.1", 4L * width, width, true, dtype);

        Value a = ln1.apply(h);
        long dh = width / heads;
        Value scale = g.scalar(1 / Math.sqrt(dh), dtype);
        Value qh = split(g, q.apply(a), dh);
        Value kh = split(g, k.apply(a), dh);
        Value vh = split(g, v.apply(a), dh);
        Value s = g.mul(g.matMul(qh, g.transpose(kh, 0, 1, 3, 2)), scale);              // [B, H, T, T]
        if (mask != null) {
            s = g.add(s, mask);
        }
        Value c = g.matMul(g.softmax(s, -1), vh);                                        // [B, H, T, dh]
        Value ctx = g.reshape(g.transpose(c, 0, 2, 1, 3), 0, 0, width);                 // [B, T, d]
        h = g.add(h, o.apply(ctx));
        return g.add(h, fc2.apply(g.gelu(fc1.apply(ln2.apply(h)))));
    }

    /** [B, T, d] -> [B, H, T, dh]. */
    private Value split(Graph g, Value x, long dh) {
        return g.transpose(g.reshape(x, 0, 0, heads, dh), 0, 2, 1, 3);
    }
}
