package io.suffice.encoders.transformer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.Embedding;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.Linear;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

import java.util.Locale;

/**
 * The contrastive-JGHM paper's encoder transformer (sec. 5): token embedding ({@code vocab -> width}) plus a learned
 * positional embedding, {@code depth} pre-LayerNorm blocks {@code h += Attn(LN1(h)); h += MLP(LN2(h))} with
 * attention projections Q/K/V/O without bias (scores scaled by {@code 1/sqrt(head size)}; one head is the authors'
 * choice, more heads split the width) and a GELU MLP {@code width -> 4 width -> width}; then a per-token readout
 * {@code width -> embedding} and a pooling over positions to one {@code embedding}-vector per sequence: a learned
 * linear map over the positions ({@code linear}, the authors'), the mean ({@code mean}) or the first token
 * ({@code first}).
 * <p>
 * Input: int64 tokens {@code [N, T]} with a static sequence length T; output float32 {@code [N, embedding]}.
 * Parameters (prefix {@link #name()}): {@code tok.weight}, {@code pos}, {@code block<i>.{ln1,ln2}.{scale,bias}},
 * {@code block<i>.{q,k,v,o}.weight}, {@code block<i>.mlp.{0,1}.{weight,bias}}, {@code head.{weight,bias}},
 * {@code pool.{weight,bias}}. Initialisation follows PyTorch's defaults (embedding N(0,1), positions N(0, 0.02^2),
 * linear layers U(+-1/sqrt(fan-in))). Immutable.
 *
 * @param name      parameter-name prefix
 * @param vocab     number of token values
 * @param width     model width d
 * @param depth     number of blocks
 * @param heads     attention heads (divides width)
 * @param embedding output dimension
 * @param pooling   {@code linear}, {@code mean} or {@code first}
 */
public record TransformerEncoder(String name, int vocab, int width, int depth, int heads, int embedding,
                                 String pooling) implements Encoder {

    public static final String LINEAR = "linear";
    public static final String MEAN = "mean";
    public static final String FIRST = "first";

    public TransformerEncoder {
        if (vocab < 1 || width < 1 || depth < 0 || heads < 1 || embedding < 1) {
            throw new IllegalArgumentException("bad transformer sizes: vocab " + vocab + ", width " + width
                    + ", depth " + depth + ", heads " + heads + ", embedding " + embedding);
        }
        if (width % heads != 0) {
            throw new IllegalArgumentException("width " + width + " is not divisible by " + heads + " heads");
        }
        pooling = pooling.toLowerCase(Locale.ROOT);
        if (!pooling.equals(LINEAR) && !pooling.equals(MEAN) && !pooling.equals(FIRST)) {
            throw new IllegalArgumentException("pooling must be linear, mean or first, got '" + pooling + "'");
        }
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "transformer(vocab=%d, width=%d, depth=%d, heads=%d, embedding=%d, "
                + "pooling=%s)", vocab, width, depth, heads, embedding, pooling);
    }

    @Override
    public Encoder withName(String newName) {
        return new TransformerEncoder(newName, vocab, width, depth, heads, embedding, pooling);
    }

    @Override
    public Value forward(Graph g, Value tokens) {
        if (tokens.rank() != 2 || tokens.shape().dim(1) == Shape.DYNAMIC) {
            throw new IllegalArgumentException("transformer input must be [N, T] tokens with a static T, got "
                    + tokens.shape());
        }
        Value x = tokens.dtype() == DType.INT64 ? tokens : g.cast(tokens, DType.INT64);
        long t = tokens.shape().dim(1);
        String p = name + ".";
        Embedding tok = new Embedding(g, p + "tok", vocab, width);
        Value pos = g.parameter(p + "pos", Shape.of(t, width), Init.normal(0.02));
        Value h = g.add(tok.apply(x), pos);                                   // [N, T, d]
        for (int i = 0; i < depth; i++) {
            h = block(g, p + "block" + i, h);
        }
        Linear head = new Linear(g, p + "head", width, embedding);
        switch (pooling) {
            case FIRST -> {
                Value first = g.squeeze(g.slice(h, new long[]{0}, new long[]{1}, new long[]{1}, null), 1);
                return head.apply(first);                                   // [N, e]
            }
            case MEAN -> {
                return g.reduceMean(head.apply(h), false, 1);              // [N, e]
            }
            default -> {
                Value y = head.apply(h);                                    // [N, T, e]
                Linear pool = new Linear(g, p + "pool", t, 1);
                // [N, e, T] x [T, 1] -> [N, e, 1]
                Value pooled = g.matMul(g.transpose(y, 0, 2, 1), pool.weight());
                return g.add(g.squeeze(pooled, 2), pool.bias());
            }
        }
    }

    private Value block(Graph g, String p, Value h) {
        LayerNorm ln1 = new LayerNorm(g, p + ".ln1", width);
        Linear q = new Linear(g, p + ".q", width, width, false, DType.FLOAT32);
        Linear k = new Linear(g, p + ".k", width, width, false, DType.FLOAT32);
        Linear v = new Linear(g, p + ".v", width, width, false, DType.FLOAT32);
        Linear o = new Linear(g, p + ".o", width, width, false, DType.FLOAT32);
        LayerNorm ln2 = new LayerNorm(g, p + ".ln2", width);
        Linear fc1 = new Linear(g, p + ".mlp.0", width, 4L * width);
        Linear fc2 = new Linear(g, p + ".mlp.1", 4L * width, width);

        Value a = ln1.apply(h);
        long dh = width / heads;
        Value ctx;
        Value scale = g.scalar(1 / Math.sqrt(dh), DType.FLOAT32);
        if (heads == 1) {
            Value s = g.mul(g.matMul(q.apply(a), g.transpose(k.apply(a), 0, 2, 1)), scale);   // [N, T, T]
            ctx = g.matMul(g.softmax(s, -1), v.apply(a));                                    // [N, T, d]
        } else {
            Value qh = split(g, q.apply(a), dh);
            Value kh = split(g, k.apply(a), dh);
            Value vh = split(g, v.apply(a), dh);
            Value s = g.mul(g.matMul(qh, g.transpose(kh, 0, 1, 3, 2)), scale);              // [N, H, T, T]
            Value c = g.matMul(g.softmax(s, -1), vh);                                        // [N, H, T, dh]
            ctx = g.reshape(g.transpose(c, 0, 2, 1, 3), 0, 0, width);
        }
        h = g.add(h, o.apply(ctx));
        return g.add(h, fc2.apply(g.gelu(fc1.apply(ln2.apply(h)))));
    }

    /** [N, T, d] -> [N, H, T, dh]. */
    private Value split(Graph g, Value x, long dh) {
        return g.transpose(g.reshape(x, 0, 0, heads, dh), 0, 2, 1, 3);
    }
}
