package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.tensor.HostTensor;

/**
 * Token ids and attention mask of a batch of texts, as text towers take them.
 *
 * @param inputIds      INT64 [texts, length], padded
 * @param attentionMask INT64 [texts, length], 1 on tokens, 0 on padding
 */
public record TokenizedText(HostTensor inputIds, HostTensor attentionMask) {

    /** Packs id sequences into padded tensors (sequences must already fit {@code length}). */
    static TokenizedText pack(java.util.List<long[]> sequences, int length, long padId) {
        HostTensor ids = HostTensor.zeros(io.suffice.api.tensor.DType.INT64,
                io.suffice.api.tensor.Shape.of(sequences.size(), length));
        HostTensor mask = HostTensor.zeros(io.suffice.api.tensor.DType.INT64,
                io.suffice.api.tensor.Shape.of(sequences.size(), length));
        var ib = ids.longs();
        var mb = mask.longs();
        for (int n = 0; n < sequences.size(); n++) {
            long[] t = sequences.get(n);
            for (int k = 0; k < length; k++) {
                ib.put(n * length + k, k < t.length ? t[k] : padId);
                mb.put(n * length + k, k < t.length ? 1 : 0);
            }
        }
        return new TokenizedText(ids, mask);
    }
}
