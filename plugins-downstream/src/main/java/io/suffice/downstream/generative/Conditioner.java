package io.suffice.downstream.generative;

import io.suffice.api.data.Batch;
import io.suffice.api.tensor.HostTensor;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Feeds a model's conditioning token from a batch: the batch field of the conditioning modality as int64 tokens,
 * embedded by the frozen tower ({@link Conditioning#FROZEN}), fed raw ({@link Conditioning#JOINT}) or not at all
 * ({@link Conditioning#NONE}). Not thread-safe (the tower is not).
 *
 * @param token the model's conditioning token
 * @param tower the frozen tower, or null unless conditioning is frozen
 * @param field the batch field of the conditioning modality
 */
public record Conditioner(ConditionToken token, FrozenTower tower, String field) {

    /** Adds the conditioning feeds of batch {@code b}. */
    public void feed(Map<String, HostTensor> feeds, Batch b) {
        feed(feeds, b.get(field));
    }

    /** Adds the conditioning feeds of the tokens {@code [n, T]} of the conditioning modality. */
    public void feed(Map<String, HostTensor> feeds, HostTensor tokens) {
        HostTensor t = Tensors.asLongs(tokens);
        token.feed(feeds, tower == null ? null : tower.embed(t), t);
    }

    /** The conditioning feeds of these tokens alone. */
    public Map<String, HostTensor> of(HostTensor tokens) {
        Map<String, HostTensor> f = new LinkedHashMap<>();
        feed(f, tokens);
        return f;
    }
}
