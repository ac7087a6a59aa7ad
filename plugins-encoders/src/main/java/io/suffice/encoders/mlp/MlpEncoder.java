package io.suffice.encoders.mlp;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
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
 * Token inputs (int64 {@code [N, T]} with values below {@code vocab}) are one-hot encoded and flattened to
 * {@code [N, T * vocab]} first, so the same plugin serves as a non-sequence baseline on JGHM data. Parameters:
 * {@code <name>.mlp.<i>.{weight,bias}}. Immutable.
 *
 * @param name      parameter-name prefix
 * @param hidden    hidden widths (may be empty: a linear map)
 * @param embedding output dimension
 * @param vocab     token values for one-hot encoding of int64 inputs
 */
public record MlpEncoder(String name, List<Long> hidden, int embedding, int vocab) implements Encoder {

    public MlpEncoder {
        hidden = List.copyOf(hidden);
        if (embedding < 1 || vocab < 1 || hidden.stream().anyMatch(w -> w < 1)) {
            throw new IllegalArgumentException("bad MLP sizes: hidden " + hidden + ", embedding " + embedding);
        }
    }

    @Override
    public String summary() {
        return String.format(Locale.ROOT, "mlp(hidden=%s, embedding=%d, gelu)", hidden, embedding);
    }

    @Override
    public Encoder withName(String newName) {
        return new MlpEncoder(newName, hidden, embedding, vocab);
    }

    @Override
    public Value forward(Graph g, Value input) {
        Value x = input;
        if (input.dtype() == DType.INT64 || input.dtype() == DType.INT32) {
            if (input.rank() != 2 || input.shape().dim(1) == Shape.DYNAMIC) {
                throw new IllegalArgumentException("token input must be [N, T] with a static T, got " + input.shape());
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
