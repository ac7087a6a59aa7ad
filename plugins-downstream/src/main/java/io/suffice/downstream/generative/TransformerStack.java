package io.suffice.downstream.generative;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.TransformerBlock;
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
            h = new TransformerBlock(g, name + ".block" + i, width, heads, dtype).apply(h, mask);
        }
        return new LayerNorm(g, name + ".ln", width, 1e-5, dtype).apply(h);
    }
}
