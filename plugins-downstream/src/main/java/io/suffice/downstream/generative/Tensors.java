package io.suffice.downstream.generative;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

/** Small conversions of host tensors used by the generative tasks. */
public final class Tensors {
    private Tensors() {
    }

    /** The tensor's values as {@code dtype} (FLOAT32 or FLOAT64), same shape; int64 tokens become reals. */
    public static HostTensor asFloat(HostTensor t, DType dtype) {
        if (t.dtype() == dtype) {
            return t;
        }
        double[] v = t.toDoubleArray();
        long[] dims = t.shape().dims();
        if (dtype == DType.FLOAT64) {
            return HostTensor.of(v, dims);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return HostTensor.of(f, dims);
    }

    /** The tensor as int64 (rounded), same shape. */
    public static HostTensor asLongs(HostTensor t) {
        if (t.dtype() == DType.INT64) {
            return t;
        }
        double[] d = t.toDoubleArray();
        long[] v = new long[d.length];
        for (int i = 0; i < d.length; i++) {
            v[i] = Math.round(d[i]);
        }
        return HostTensor.of(v, t.shape().dims());
    }

    /** Rows {@code [n][cols]} of a rank-2 tensor. */
    public static double[][] rows(HostTensor t) {
        int n = (int) t.shape().dim(0);
        int c = (int) (t.size() / Math.max(1, n));
        double[] v = t.toDoubleArray();
        double[][] out = new double[n][c];
        for (int i = 0; i < n; i++) {
            System.arraycopy(v, i * c, out[i], 0, c);
        }
        return out;
    }

    /** Rows {@code from..to-1} of a tensor (any rank >= 1), copied, same dtype. */
    public static HostTensor slice(HostTensor t, int from, int to) {
        long[] dims = t.shape().dims();
        int per = (int) (t.size() / dims[0]);
        dims[0] = to - from;
        if (t.dtype() == DType.INT64) {
            long[] v = new long[(to - from) * per];
            t.longs().get(from * per, v);
            return HostTensor.of(v, dims);
        }
        double[] all = t.toDoubleArray();
        double[] v = new double[(to - from) * per];
        System.arraycopy(all, from * per, v, 0, v.length);
        return asFloat(HostTensor.of(v, dims), t.dtype());
    }

    /** Sum over rows and columns of {@code (a - b)^2} (the squared error summed over leaves, summed over rows). */
    public static double squaredError(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double d = a[i][j] - b[i][j];
                s += d * d;
            }
        }
        return s;
    }
}
