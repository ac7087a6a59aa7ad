package io.suffice.encoders.onnx.text;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.List;

/**
 * Token ids, attention mask and token types of a batch of texts, as text models take them.
 *
 * @param inputIds      INT64 [texts, length], padded
 * @param attentionMask INT64 [texts, length], 1 on tokens, 0 on padding
 * @param tokenTypeIds  INT64 [texts, length], the segment of each token (0 for single texts; 0 on padding)
 */
public record TokenizedText(HostTensor inputIds, HostTensor attentionMask, HostTensor tokenTypeIds) {

    /** Sequence length of the batch. */
    public int length() {
        return (int) inputIds.shape().dim(1);
    }

    /**
     * Packs id sequences into padded tensors.
     *
     * @param sequences ids per text, already cut to fit {@code length}
     * @param types     token types per text (same lengths), or null for all zeros
     * @param length    the padded length; 0 pads to the longest sequence (at least 1)
     * @param padId     id written on padding
     */
    static TokenizedText pack(List<long[]> sequences, List<long[]> types, int length, long padId) {
        int len = length;
        if (len == 0) {
            len = 1;
            for (long[] s : sequences) {
                len = Math.max(len, s.length);
            }
        }
        Shape shape = Shape.of(sequences.size(), len);
        HostTensor ids = HostTensor.zeros(DType.INT64, shape);
        HostTensor mask = HostTensor.zeros(DType.INT64, shape);
        HostTensor tt = HostTensor.zeros(DType.INT64, shape);
        var ib = ids.longs();
        var mb = mask.longs();
        var tb = tt.longs();
        for (int n = 0; n < sequences.size(); n++) {
            long[] t = sequences.get(n);
            if (t.length > len) {
                throw new IllegalStateException("sequence of " + t.length + " tokens does not fit length " + len);
            }
            for (int k = 0; k < len; k++) {
                ib.put(n * len + k, k < t.length ? t[k] : padId);
                mb.put(n * len + k, k < t.length ? 1 : 0);
                tb.put(n * len + k, k < t.length && types != null ? types.get(n)[k] : 0);
            }
        }
        return new TokenizedText(ids, mask, tt);
    }

    /** {@code ids} cut to {@code length} keeping its last token (the end/[SEP] token of the file's template). */
    static long[] cut(long[] ids, int length) {
        if (length <= 0 || ids.length <= length) {
            return ids;
        }
        long[] c = java.util.Arrays.copyOf(ids, length);
        c[length - 1] = ids[ids.length - 1];
        return c;
    }
}
