package io.suffice.downstream;

import io.suffice.downstream.twolayer.Activation;

import java.util.Arrays;
import java.util.function.IntConsumer;
import java.util.stream.IntStream;

/**
 * The test oracle of the {@code two-layer-gd} task ({@link TwoLayerGraph} trains on the engine): a plain-Java
 * implementation of the two-layer network of the large-stepsize paper (Cai, Wu, Mei, Lindsey,
 * Bartlett, NeurIPS 2024, Section 2) on the logistic loss:
 * <pre>
 *   f(x; W) = (1/m) sum_j a_j phi(w_j . x),       a_j = +1 for even j, -1 for odd j (fixed, half each),
 *   L(W)    = (1/n) sum_i softplus(-y_i f(x_i; W))                          (= log(1 + exp(-y_i f)), overflow-free),
 *   grad_{w_j} L = (a_j / m) sum_i r_i phi'(w_j . x_i) x_i,    r_i = -(1/n) y_i sigmoid(-y_i f(x_i; W)).
 * </pre>
 * {@code W} is {@code m x d}, row-major (row {@code j} is {@code w_j}); inputs {@code x} are {@code n x d} row-major.
 * Work is split into fixed chunks of {@value #UNITS_PER_CHUNK} hidden units, computed in parallel when large enough;
 * the per-chunk partial outputs are summed in chunk order, so results do not depend on the number of threads.
 * Loops keep one input row in L1 while it meets the chunk's weight rows, with 4-way unrolled dot products.
 * <p>
 * Reuses internal buffers between calls: not thread-safe.
 */
public final class TwoLayerNetwork {
    /** Hidden units per work chunk. */
    static final int UNITS_PER_CHUNK = 8;
    /** Multiply-adds ({@code rows * m * d}) above which chunks run in parallel. */
    private static final long PARALLEL_WORK = 1L << 16;

    private final double[] x;
    private final double[] y;
    private final int n;
    private final int d;
    private final int m;
    private final double[] signs;
    private final Activation phi;
    private final int chunks;
    private double[] z = new double[0];
    private double[] partial = new double[0];

    /**
     * @param x   inputs, {@code n x d} row-major (not copied)
     * @param y   labels in {-1, +1}, length {@code n} (not copied)
     * @param d   input dimension
     * @param m   width, at least 1
     * @param phi activation
     */
    public TwoLayerNetwork(double[] x, double[] y, int d, int m, Activation phi) {
        if (d < 1 || m < 1 || y.length == 0 || x.length != (long) y.length * d) {
            throw new IllegalArgumentException("need x of n x d = " + y.length + " x " + d + " values, got "
                    + x.length + " (m = " + m + ")");
        }
        this.x = x;
        this.y = y;
        this.n = y.length;
        this.d = d;
        this.m = m;
        this.phi = phi;
        this.signs = new double[m];
        for (int j = 0; j < m; j++) {
            signs[j] = j % 2 == 0 ? 1 : -1;
        }
        this.chunks = (m + UNITS_PER_CHUNK - 1) / UNITS_PER_CHUNK;
    }

    public int samples() {
        return n;
    }

    public int inputDim() {
        return d;
    }

    public int width() {
        return m;
    }

    /** The output {@code f(x_i; W)} for every sample. */
    public double[] outputs(double[] w) {
        double[] f = new double[n];
        forward(w, null, n, f);
        return f;
    }

    /**
     * Risk and diagnostics at {@code w} over {@code rows} (all samples when {@code null}), and the gradient of that
     * risk written into {@code grad} (skipped when {@code grad} is {@code null}).
     */
    public Evaluation evaluate(double[] w, double[] grad, int[] rows) {
        if (w.length != m * d || (grad != null && grad.length != m * d)) {
            throw new IllegalArgumentException("W must have m x d = " + m + " x " + d + " entries");
        }
        int nr = rows == null ? n : rows.length;
        double[] f = new double[nr];
        forward(w, rows, nr, f);
        double[] r = new double[nr];
        double risk = 0;
        double minMargin = Double.POSITIVE_INFINITY;
        int correct = 0;
        for (int ii = 0; ii < nr; ii++) {
            double yi = y[row(rows, ii)];
            double margin = yi * f[ii];
            minMargin = Math.min(minMargin, margin);
            if (margin > 0) {
                correct++;
            }
            risk += Activation.softplus(-margin);
            r[ii] = -yi * Activation.sigmoid(-margin) / nr;
        }
        double gradNorm = Double.NaN;
        if (grad != null) {
            runChunks(nr, c -> backwardChunk(c, rows, nr, r, grad));
            gradNorm = Math.sqrt(squaredNorm(grad));
        }
        double paramNorm = Math.sqrt(squaredNorm(w));
        return new Evaluation(risk / nr, gradNorm, paramNorm, paramNorm > 0 ? minMargin / paramNorm : 0,
                correct / (double) nr);
    }

    private void forward(double[] w, int[] rows, int nr, double[] f) {
        if (z.length < m * nr) {
            z = new double[m * nr];
        }
        if (partial.length < chunks * nr) {
            partial = new double[chunks * nr];
        }
        runChunks(nr, c -> forwardChunk(c, w, rows, nr));
        for (int ii = 0; ii < nr; ii++) {
            double s = 0;
            for (int c = 0; c < chunks; c++) {
                s += partial[c * nr + ii];
            }
            f[ii] = s / m;
        }
    }

    private void forwardChunk(int c, double[] w, int[] rows, int nr) {
        int j0 = c * UNITS_PER_CHUNK;
        int j1 = Math.min(m, j0 + UNITS_PER_CHUNK);
        for (int ii = 0; ii < nr; ii++) {
            int xo = row(rows, ii) * d;
            double s = 0;
            for (int j = j0; j < j1; j++) {
                double zz = dot(w, j * d, x, xo, d);
                z[j * nr + ii] = zz;
                s += signs[j] * phi.value(zz);
            }
            partial[c * nr + ii] = s;
        }
    }

    private void backwardChunk(int c, int[] rows, int nr, double[] r, double[] grad) {
        int j0 = c * UNITS_PER_CHUNK;
        int j1 = Math.min(m, j0 + UNITS_PER_CHUNK);
        Arrays.fill(grad, j0 * d, j1 * d, 0);
        for (int ii = 0; ii < nr; ii++) {
            int xo = row(rows, ii) * d;
            for (int j = j0; j < j1; j++) {
                double coef = r[ii] * signs[j] * phi.derivative(z[j * nr + ii]) / m;
                if (coef != 0) {
                    axpy(coef, x, xo, grad, j * d, d);
                }
            }
        }
    }

    private void runChunks(int nr, IntConsumer body) {
        IntStream range = IntStream.range(0, chunks);
        if ((long) nr * m * d >= PARALLEL_WORK && chunks > 1) {
            range = range.parallel();
        }
        range.forEach(body);
    }

    private static int row(int[] rows, int ii) {
        return rows == null ? ii : rows[ii];
    }

    static double dot(double[] a, int ao, double[] b, int bo, int len) {
        double s0 = 0;
        double s1 = 0;
        double s2 = 0;
        double s3 = 0;
        int k = 0;
        for (; k + 3 < len; k += 4) {
            s0 += a[ao + k] * b[bo + k];
            s1 += a[ao + k + 1] * b[bo + k + 1];
            s2 += a[ao + k + 2] * b[bo + k + 2];
            s3 += a[ao + k + 3] * b[bo + k + 3];
        }
        for (; k < len; k++) {
            s0 += a[ao + k] * b[bo + k];
        }
        return (s0 + s1) + (s2 + s3);
    }

    private static void axpy(double alpha, double[] src, int so, double[] dst, int dO, int len) {
        for (int k = 0; k < len; k++) {
            dst[dO + k] += alpha * src[so + k];
        }
    }

    private static double squaredNorm(double[] v) {
        double s = 0;
        for (double e : v) {
            s += e * e;
        }
        return s;
    }
}
