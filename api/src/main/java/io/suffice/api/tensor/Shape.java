package io.suffice.api.tensor;

import java.util.Arrays;

/**
 * A tensor shape: dimension sizes, outermost first. A dimension of {@link #DYNAMIC} (-1) is symbolic (for example the
 * batch dimension of a graph input); {@link #size()} is only defined when every dimension is known. Immutable.
 */
public final class Shape {
    /** Marker for a symbolic dimension. */
    public static final long DYNAMIC = -1;

    private static final Shape SCALAR = new Shape(new long[0]);

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** A shape with the given dimensions; each must be positive or {@link #DYNAMIC}. */
    public static Shape of(long... dims) {
        for (long d : dims) {
            if (d < 0 && d != DYNAMIC) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(dims));
            }
        }
        return dims.length == 0 ? SCALAR : new Shape(dims.clone());
    }

    public static Shape scalar() {
        return SCALAR;
    }

    public int rank() {
        return dims.length;
    }

    /** Dimension {@code i}; negative {@code i} counts from the end as in ONNX. */
    public long dim(int i) {
        return dims[i < 0 ? dims.length + i : i];
    }

    public long[] dims() {
        return dims.clone();
    }

    public boolean isStatic() {
        for (long d : dims) {
            if (d == DYNAMIC) {
                return false;
            }
        }
        return true;
    }

    /** Number of elements. */
    public long size() {
        long n = 1;
        for (long d : dims) {
            if (d == DYNAMIC) {
                throw new IllegalStateException("size of symbolic shape " + this);
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /**
     * Number of elements of dimensions {@code from..to-1}, or {@link #DYNAMIC} when one of them is symbolic.
     *
     * @throws IllegalArgumentException when the product exceeds 64 bits (a shape read from a model file)
     */
    public long size(int from, int to) {
        long n = 1;
        for (int i = from; i < to; i++) {
            if (dims[i] == DYNAMIC) {
                return DYNAMIC;
            }
            try {
                n = Math.multiplyExact(n, dims[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("dimensions " + from + ".." + (to - 1) + " of " + this
                        + " multiply past 64 bits", e);
            }
        }
        return n;
    }

    /** This shape with dimension {@code i} replaced. */
    public Shape withDim(int i, long value) {
        long[] d = dims.clone();
        d[i < 0 ? d.length + i : i] = value;
        return of(d);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    /** For example {@code [N, 784]} where {@code N} marks a symbolic dimension. */
    @Override
    public String toString() {
        return text(dims, true);
    }

    /**
     * Integers as a message shows them, {@code [2, 3]}; past {@link #LISTED} of them the first six and the count,
     * {@code [2, 3, 1, 1, 1, 1, ... (5000 dimensions)]}, so that a shape a file sets to any rank stays one short line.
     */
    public static String text(long... ints) {
        return text(ints, false);
    }

    /** Most dimensions a message lists in full. */
    public static final int LISTED = 8;

    private static String text(long[] ints, boolean symbolic) {
        int shown = ints.length <= LISTED ? ints.length : 6;
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < shown; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            sb.append(symbolic && ints[i] == DYNAMIC ? "N" : Long.toString(ints[i]));
        }
        if (shown < ints.length) {
            sb.append(", ... (").append(ints.length).append(" dimensions)");
        }
        return sb.append(']').toString();
    }
}
