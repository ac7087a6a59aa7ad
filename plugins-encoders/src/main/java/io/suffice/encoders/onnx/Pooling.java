package io.suffice.encoders.onnx;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.Locale;

/**
 * How a model output becomes one embedding per example: {@link #NONE} keeps it (it must already be
 * {@code [batch, dim]}), {@link #MEAN} averages over a sequence axis, optionally only where a 0/1 mask is non-zero
 * (the attention mask of a text model), {@link #CLS} takes the first position of that axis (BERT's {@code [CLS]}
 * token). Stateless.
 */
public enum Pooling {
    NONE,
    MEAN,
    CLS;

    /**
     * Parses {@code none}, {@code mean} or {@code cls}.
     *
     * @throws IllegalArgumentException naming the accepted values
     */
    public static Pooling parse(String s) {
        try {
            return valueOf(s.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("pooling '" + s + "' is not one of none, mean, cls", e);
        }
    }

    /** Whether the output is reduced over a sequence axis (it needs rank >= 3). */
    public boolean reducesAxis() {
        return this != NONE;
    }

    /**
     * Pools {@code x} (FLOAT32).
     *
     * @param x    the model output: {@code [B, D]} for NONE; for MEAN any rank >= 3, pooled over {@code axis}
     * @param axis the axis MEAN averages over (>= 1)
     * @param mask null, or for MEAN over axis 1 of a {@code [B, T, D]} output a {@code [B, T]} tensor (INT64 or
     *             FLOAT32) whose non-zero entries mark the positions to average
     * @return a new FLOAT32 tensor {@code [B, D]}
     */
    public HostTensor apply(HostTensor x, int axis, HostTensor mask) {
        if (this == NONE) {
            if (x.shape().rank() != 2) {
                throw new IllegalArgumentException("the model output has shape " + x.shape()
                        + "; without pooling it must be [batch, dim] (set pooling = mean)");
            }
            return x;
        }
        int r = x.shape().rank();
        if (axis < 1 || axis >= r || r < 3) {
            throw new IllegalArgumentException(name().toLowerCase(Locale.ROOT) + " pooling over axis " + axis
                    + " needs an output of rank >= 3 "
                    + "with that axis, got shape " + x.shape());
        }
        long[] d = x.shape().dims();
        long outer = 1;
        for (int i = 0; i < axis; i++) {
            outer *= d[i];
        }
        long len = d[axis];
        long inner = 1;
        for (int i = axis + 1; i < r; i++) {
            inner *= d[i];
        }
        if (mask != null && (axis != 1 || r != 3 || mask.shape().rank() != 2 || mask.shape().dim(0) != d[0]
                || mask.shape().dim(1) != len)) {
            throw new IllegalArgumentException("a pooling mask needs a [batch, seq] mask for a [batch, seq, dim] "
                    + "output pooled over axis 1; got mask " + mask.shape() + " for output " + x.shape());
        }
        long[] outDims = new long[r - 1];
        for (int i = 0, j = 0; i < r; i++) {
            if (i != axis) {
                outDims[j++] = d[i];
            }
        }
        HostTensor out = HostTensor.zeros(DType.FLOAT32, Shape.of(outDims));
        var src = x.floats();
        var dst = out.floats();
        double[] m = mask == null ? null : mask.toDoubleArray();
        for (long o = 0; o < outer; o++) {
            double count = 0;
            double[] acc = new double[(int) inner];
            for (long t = 0; t < (this == CLS ? Math.min(1, len) : len); t++) {
                double w = this == CLS || m == null ? 1 : (m[(int) (o * len + t)] != 0 ? 1 : 0);
                if (w == 0) {
                    continue;
                }
                count += w;
                long base = (o * len + t) * inner;
                for (int k = 0; k < inner; k++) {
                    acc[k] += src.get((int) (base + k));
                }
            }
            for (int k = 0; k < inner; k++) {
                dst.put((int) (o * inner + k), (float) (count == 0 ? 0 : acc[k] / count));
            }
        }
        return out;
    }

    /** Scales every row of a {@code [B, D]} FLOAT32 tensor to unit L2 norm, in place (zero rows stay zero). */
    public static void l2Normalize(HostTensor x) {
        var b = x.floats();
        int rows = (int) x.shape().dim(0);
        int dim = x.size() / Math.max(rows, 1);
        for (int i = 0; i < rows; i++) {
            double s = 0;
            for (int k = 0; k < dim; k++) {
                double v = b.get(i * dim + k);
                s += v * v;
            }
            double n = Math.sqrt(s);
            if (n > 0) {
                for (int k = 0; k < dim; k++) {
                    b.put(i * dim + k, (float) (b.get(i * dim + k) / n));
                }
            }
        }
    }
}
