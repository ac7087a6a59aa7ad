package io.suffice.encoders.transformer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.EncoderTrace;
import io.suffice.api.nn.Embedding;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.Linear;
import io.suffice.api.nn.TransformerBlock;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
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
 * {@code pool.{weight,bias}}. Initialisation follows PyTorch's defaults (embedding N(0,1), positions N(0, position-init^2),
 * linear layers U(+-1/sqrt(fan-in))); the positional standard deviation is a parameter because
 * the paper does not fix it and it sets how soon attention can tell positions apart. Immutable.
 *
 * @param name      parameter-name prefix
 * @param vocab     number of token values
 * @param width     model width d
 * @param depth     number of blocks
 * @param heads     attention heads (divides width)
 * @param embedding output dimension
 * @param pooling   {@code linear}, {@code mean} or {@code first}
 * @param positionInit standard deviation of the positional embedding's normal initialisation
 */
public record TransformerEncoder(String name, int vocab, int width, int depth, int heads, int embedding,
                                 String pooling, double positionInit) implements Encoder {

    public static final String LINEAR = "linear";
    public static final String MEAN = "mean";
    public static final String FIRST = "first";

    /** The GPT-2 style positional initialisation N(0, 0.02^2). */
    public static final double DEFAULT_POSITION_INIT = 0.02;

    public TransformerEncoder(String name, int vocab, int width, int depth, int heads, int embedding, String pooling) {
        this(name, vocab, width, depth, heads, embedding, pooling, DEFAULT_POSITION_INIT);
    }

    public TransformerEncoder {
        if (!(positionInit >= 0) || Double.isInfinite(positionInit)) {
            throw new IllegalArgumentException("position-init must be a finite standard deviation >= 0, got "
                    + positionInit);
        }
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
                + "pooling=%s, position-init=%s)", vocab, width, depth, heads, embedding, pooling, positionInit);
    }

    @Override
    public Encoder withName(String newName) {
        return new TransformerEncoder(newName, vocab, width, depth, heads, embedding, pooling, positionInit);
    }

    @Override
    public Value forward(Graph g, Value tokens) {
        return trace(g, tokens).output();
    }

    /** The forward pass; {@code hidden} is the residual stream after each block, float32 {@code [N, T, width]}. */
    @Override
    public EncoderTrace trace(Graph g, Value tokens) {
        if (tokens.rank() != 2 || tokens.shape().dim(1) == Shape.DYNAMIC) {
            throw new IllegalArgumentException("transformer input must be [N, T] tokens with a static T, got "
                    + tokens.shape());
        }
        Value x = tokens.dtype() == DType.INT64 ? tokens : g.cast(tokens, DType.INT64);
        long t = tokens.shape().dim(1);
        String p = name + ".";
        Embedding tok = new Embedding(g, p + "tok", vocab, width);
        Value pos = g.parameter(p + "pos", Shape.of(t, width), Init.normal(positionInit));
        Value h = g.add(tok.apply(x), pos);                                   // [N, T, d]
        List<Value> hidden = new ArrayList<>(depth);
        for (int i = 0; i < depth; i++) {
            h = new TransformerBlock(g, p + "block" + i, width, heads, DType.FLOAT32).apply(h, null);
            hidden.add(h);
        }
        return new EncoderTrace(readout(g, h, t), hidden);
    }

    private Value readout(Graph g, Value h, long t) {
        String p = name + ".";
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
}
