package io.suffice.downstream.generative;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.Linear;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Builds the one extra token {@code [B, 1, d]} that carries the conditioning modality into a generative model:
 * a linear map {@code e -> d} of a frozen embedding fed as input {@link #EMBEDDING} ({@link Conditioning#FROZEN}),
 * of the output of a trainable encoder over the raw tokens fed as input {@link #TOKENS} ({@link Conditioning#JOINT}),
 * or a learned constant ({@link Conditioning#NONE}). Parameters are prefixed {@code cond.}; a joint encoder's by
 * {@code cond_encoder}. One instance serves one graph.
 */
public final class ConditionToken {
    /** Input name of the frozen embedding, float {@code [B, e]}. */
    public static final String EMBEDDING = "condition_embedding";
    /** Input name of the raw conditioning tokens, int64 {@code [B, T]} (joint mode). */
    public static final String TOKENS = "condition_tokens";

    private final Conditioning mode;
    private final List<Value> inputs = new ArrayList<>();

    public ConditionToken(Conditioning mode) {
        this.mode = mode;
    }

    public Conditioning mode() {
        return mode;
    }

    /**
     * Declares the inputs and parameters and returns the token.
     *
     * @param like            any {@code [B, ., d]} value of the model, whose batch size the constant token takes
     * @param embeddingDim    e, the frozen embedding's size (FROZEN)
     * @param encoder         the architecture to train jointly (JOINT; null otherwise)
     * @param conditionLength T of the conditioning tokens (JOINT)
     */
    public Value build(Graph g, Value like, int width, int embeddingDim, Encoder encoder, long conditionLength,
                       DType dtype) {
        switch (mode) {
            case FROZEN -> {
                Value e = g.input(EMBEDDING, dtype, Shape.DYNAMIC, embeddingDim);
                inputs.add(e);
                return g.unsqueeze(new Linear(g, "cond.proj", embeddingDim, width, true, dtype).apply(e), 1);
            }
            case JOINT -> {
                Value t = g.input(TOKENS, DType.INT64, Shape.DYNAMIC, conditionLength);
                inputs.add(t);
                Value e = encoder.withName("cond_encoder").forward(g, t);
                if (e.dtype() != dtype) {
                    e = g.cast(e, dtype);
                }
                return g.unsqueeze(new Linear(g, "cond.proj", e.shape().dim(1), width, true, dtype).apply(e), 1);
            }
            default -> {
                Value c = g.parameter("cond.constant", dtype, Shape.of(1, 1, width), Init.normal(0.02));
                Value first = g.slice(like, new long[]{0}, new long[]{1}, new long[]{1}, null);   // [B, 1, d]
                return g.expandLike(c, first);
            }
        }
    }

    /** The graph inputs this token reads (empty for NONE). */
    public List<Value> inputs() {
        return List.copyOf(inputs);
    }

    /**
     * Adds this token's feeds: the frozen embedding or the raw tokens of the conditioning modality.
     *
     * @param embedding frozen embedding {@code [B, e]} (FROZEN) or null
     * @param tokens    raw conditioning tokens {@code [B, T]} (JOINT) or null
     */
    public void feed(Map<String, HostTensor> feeds, HostTensor embedding, HostTensor tokens) {
        switch (mode) {
            case FROZEN -> feeds.put(EMBEDDING, embedding);
            case JOINT -> feeds.put(TOKENS, tokens);
            default -> {
            }
        }
    }
}
