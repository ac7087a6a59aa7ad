package io.suffice.api.model;

import io.suffice.api.graph.Value;

import java.util.List;

/**
 * An encoder's output together with its intermediate hidden states, as built by {@link Encoder#trace}: what the
 * "guided" contrastive objective (contrastive-jghm.md sec. 5) penalises towards the BP messages of each tree level.
 * Values of one {@link io.suffice.api.graph.Graph}; immutable.
 *
 * @param output the encoder's output, exactly what {@link Encoder#forward} returns
 * @param hidden the residual stream after each block, float32 {@code [N, T, width]}, in block order; empty for
 *               encoders without blocks
 */
public record EncoderTrace(Value output, List<Value> hidden) {
    public EncoderTrace {
        hidden = List.copyOf(hidden);
    }
}
