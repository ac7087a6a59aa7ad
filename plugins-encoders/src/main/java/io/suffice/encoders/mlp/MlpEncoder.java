package io.suffice.encoders.mlp;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.Embedding;
import io.suffice.api.nn.MLP;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.LongStream;

/**
 * A GELU multilayer perceptron on vector inputs: float {@code [N, D] -> [N, embedding]} through the hidden widths.
 * Token inputs (int64 {@code [N, T]} with values below {@code vocab}) first become vectors, as {@code tokens} says:
 * <ul>
 *   <li>{@value #ONE_HOT} (default): one-hot encoded and flattened to {@code [N, T * vocab]}, so the same plugin
 *   serves as a non-sequence baseline on JGHM data;</li>
 *   <li>{@value #BAG_OF_WORDS}: a bag of words, the mean of the learned embeddings
 *   ({@code <name>.embedding.weight [vocab, token-embedding]}, N(0, 1)) of the tokens other than {@code pad}
 *   ({@code [N, token-embedding]}; a sequence of padding only gives zeros), for captions of varying length.</li>
 * </ul>
 * Float inputs go to the MLP directly whatever {@code tokens} says, so one configuration serves an image tower on
 * pixels and a text tower on word ids. Parameters: {@code <name>.mlp.<i>.{weight,bias}} (and the bag-of-words
 * table). Immutable.
 *
 * @param name           parameter-name prefix
 * @param hidden         hidden widths (may be empty: a linear map)
 * @param embedding      output dimension
 * @param vocab          token values of int64 inputs
 * @param tokens         {@value #ONE_HOT} or {@value #BAG_OF_WORDS}
 * @param tokenEmbedding width of the bag-of-words embedding
 * @param pad            the padding token the bag of words leaves out
 */
public record MlpEncoder(String name, List<Long> hidden, int embedding, int vocab, String tokens, int tokenEmbedding,
                         long pad) implements Encoder {
    public static final String ONE_HOT = "one-hot";
    public static final String BAG_OF_WORDS = "bag-of-words";

    public MlpEncoder {
        hidden = List.copyOf(hidden);
        if (embedding < 1 || vocab < 1 || tokenEmbedding < 1 || hidden.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("bad MLP sizes: hidden " + hidden + ", embedding " + embedding
                    + ", vocab " + vocab + ", token embedding " + tokenEmbedding);
        }
        if (!tokens.equals(ONE_HOT) && !tokens.equals(BAG_OF_WORDS)) {
            throw new IllegalArgumentException("tokens must be " + ONE_HOT + " or " + BAG_OF_WORDS + ", got '" + tokens
                    + "'");
        }
    }

    /** One-hot token inputs. */
    public MlpEncoder(String name, List<Long> hidden, int embedding, int vocab) {
        this(name, hidden, embedding, vocab, ONE_HOT, 1, 0);
    }

    @Override
    public String summary() {
        return tokens.equals(ONE_HOT)
                ? String.format(Locale.ROOT, "mlp(hidden=%s, embedding=%d, gelu)", hidden, embedding)
                : String.format(Locale.ROOT, "mlp(hidden=%s, embedding=%d, gelu; tokens: bag of %d-d words, vocab %d)",
                hidden, embedding, tokenEmbedding, vocab);
    }

    @Override
    public Encoder withName(String newName) {
        return new MlpEncoder(newName, hidden, embedding, vocab, tokens, tokenEmbedding, pad);
    }

    @Override
    public Value forward(Graph g, Value input) {
        Value x = input;
        if (input.dtype() == DType.INT64 || input.dtype() == DType.INT32) {
            if (input.rank() != 2 || input.shape().dim(1) == Shape.DYNAMIC) {
                throw new IllegalArgumentException("token input must be [N, T] with a static T, got " + input.shape());
            }
            if (tokens.equals(BAG_OF_WORDS)) {
                return mlp(g, bagOfWords(g, input));
            }
            float[] eye = new float[vocab * vocab];
            for (int i = 0; i < vocab; i++) {
                eye[i * vocab + i] = 1;
            }
            Value oneHot = g.gather(g.constant(HostTensor.of(eye, vocab, vocab)), input, 0);   // [N, T, V]
            x = g.reshape(oneHot, 0, input.shape().dim(1) * vocab);
        } else if (input.dtype() != DType.FLOAT32) {
            x = g.cast(input, DType.FLOAT32);
        }
        return mlp(g, x);
    }

    /** The masked mean of the token embeddings, {@code [N, tokenEmbedding]}. */
    private Value bagOfWords(Graph g, Value input) {
        Value ids = input.dtype() == DType.INT64 ? input : g.cast(input, DType.INT64);
        Value vectors = new Embedding(g, name + ".embedding", vocab, tokenEmbedding).apply(ids);   // [N, T, E]
        Value isPad = g.cast(g.equal(ids, g.scalar(pad, DType.INT64)), DType.FLOAT32);
        Value mask = g.sub(g.scalar(1.0, DType.FLOAT32), isPad);                                // [N, T]
        Value sum = g.reduceSum(g.mul(vectors, g.unsqueeze(mask, 2)), false, 1);                // [N, E]
        Value count = g.max(g.reduceSum(mask, true, 1), g.scalar(1.0, DType.FLOAT32));           // [N, 1]
        return g.div(sum, count);
    }

    private Value mlp(Graph g, Value x) {
        if (x.rank() != 2 || x.shape().dim(1) == Shape.DYNAMIC) {
            throw new IllegalArgumentException("MLP input must be [N, D] with a static D, got " + x.shape());
        }
        long[] widths = LongStream.concat(LongStream.concat(LongStream.of(x.shape().dim(1)),
                hidden.stream().mapToLong(Long::longValue)), LongStream.of(embedding)).toArray();
        return new MLP(g, name + ".mlp", widths).apply(x);
    }

    @Override
    public String toString() {
        return summary() + " widths " + Arrays.toString(hidden.toArray());
    }
}
