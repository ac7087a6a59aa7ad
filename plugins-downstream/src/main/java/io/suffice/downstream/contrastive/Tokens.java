package io.suffice.downstream.contrastive;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

/** Small helpers on token tensors {@code [n, T]}. */
public final class Tokens {
    private Tokens() {
    }

    /** Rows {@code from..to-1} of a rank-2 (or higher) tensor, copied; int64 or float32/64 data. */
    public static HostTensor rows(HostTensor t, int from, int to) {
        long[] dims = t.shape().dims();
        int per = (int) (t.size() / dims[0]);
        dims[0] = to - from;
        if (t.dtype() == DType.INT64) {
            long[] v = new long[(to - from) * per];
            t.longs().get(from * per, v);
            return HostTensor.of(v, dims);
        }
        double[] all = t.toDoubleArray();
        if (t.dtype() == DType.FLOAT64) {
            double[] v = new double[(to - from) * per];
            System.arraycopy(all, from * per, v, 0, v.length);
            return HostTensor.of(v, dims);
        }
        float[] v = new float[(to - from) * per];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) all[from * per + i];
        }
        return HostTensor.of(v, dims);
    }

    /** The tensor as int64 with {@code dims} (same element count). */
    public static HostTensor asLongs(HostTensor t, long... dims) {
        long[] v;
        if (t.dtype() == DType.INT64) {
            v = new long[t.size()];
            t.longs().get(0, v);
        } else {
            double[] d = t.toDoubleArray();
            v = new long[d.length];
            for (int i = 0; i < d.length; i++) {
                v[i] = Math.round(d[i]);
            }
        }
        return HostTensor.of(v, dims);
    }

    /** Token {@code [i, j]} as an int. */
    public static int at(HostTensor t, int i, int j) {
        int per = (int) (t.size() / t.shape().dim(0));
        return t.dtype() == DType.INT64 ? (int) t.longs().get(i * per + j) : (int) Math.round(t.toDoubleArray()[i * per + j]);
    }

    /**
     * Candidate {@code c} of every group of a {@code [n, K, ...]} tensor, as {@code [n, ...]} (copied, same dtype:
     * int64, float32 or float64).
     */
    public static HostTensor candidate(HostTensor groups, int c) {
        long[] dims = groups.shape().dims();
        if (dims.length < 2 || c < 0 || c >= dims[1]) {
            throw new IllegalArgumentException("no candidate " + c + " in " + groups);
        }
        int n = (int) dims[0];
        int k = (int) dims[1];
        int per = (int) (groups.size() / Math.max(1L, (long) n * k));
        long[] out = new long[dims.length - 1];
        out[0] = n;
        System.arraycopy(dims, 2, out, 1, dims.length - 2);
        if (groups.dtype() == DType.INT64) {
            long[] v = new long[n * per];
            for (int i = 0; i < n; i++) {
                groups.longs().get((i * k + c) * per, v, i * per, per);
            }
            return HostTensor.of(v, out);
        }
        double[] all = groups.toDoubleArray();
        if (groups.dtype() == DType.FLOAT64) {
            double[] v = new double[n * per];
            for (int i = 0; i < n; i++) {
                System.arraycopy(all, (i * k + c) * per, v, i * per, per);
            }
            return HostTensor.of(v, out);
        }
        float[] v = new float[n * per];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < per; j++) {
                v[i * per + j] = (float) all[(i * k + c) * per + j];
            }
        }
        return HostTensor.of(v, out);
    }
}
