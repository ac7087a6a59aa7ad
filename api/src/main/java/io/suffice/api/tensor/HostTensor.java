package io.suffice.api.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.Objects;

/**
 * A dense tensor in host memory: a static {@link Shape}, a {@link DType} and a direct, native-order buffer holding
 * the elements in row-major order. Direct buffers let the runtime hand the memory to ONNX Runtime without a copy.
 * <p>
 * Mutable and not thread-safe: optimizers update parameters in place. The views returned by {@link #floats()} etc.
 * share the memory and have position 0 and limit {@code shape().size()}.
 */
public final class HostTensor {
    private final DType dtype;
    private final Shape shape;
    private final ByteBuffer data;

    private HostTensor(DType dtype, Shape shape, ByteBuffer data) {
        this.dtype = dtype;
        this.shape = shape;
        this.data = data;
    }

    /** A zero-filled tensor. */
    public static HostTensor zeros(DType dtype, Shape shape) {
        if (!shape.isStatic()) {
            throw new IllegalArgumentException("host tensors need a static shape, got " + shape);
        }
        long bytes = Math.multiplyExact(shape.size(), (long) dtype.bytes());
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("tensor of shape " + shape + " exceeds 2 GiB");
        }
        return new HostTensor(dtype, shape, ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder()));
    }

    /** Wraps an existing direct native-order buffer of exactly the right size (no copy). */
    public static HostTensor wrap(DType dtype, Shape shape, ByteBuffer data) {
        Objects.requireNonNull(data, "data");
        if (!data.isDirect() || data.order() != ByteOrder.nativeOrder()) {
            throw new IllegalArgumentException("buffer must be direct and in native byte order");
        }
        if (data.capacity() != shape.size() * dtype.bytes()) {
            throw new IllegalArgumentException("buffer of " + data.capacity() + " bytes cannot hold " + dtype
                    + shape);
        }
        return new HostTensor(dtype, shape, data);
    }

    /** A float32 tensor holding a copy of {@code values}. */
    public static HostTensor of(float[] values, long... dims) {
        HostTensor t = zeros(DType.FLOAT32, checked(values.length, dims));
        t.floats().put(values);
        return t;
    }

    /** A float64 tensor holding a copy of {@code values}. */
    public static HostTensor of(double[] values, long... dims) {
        HostTensor t = zeros(DType.FLOAT64, checked(values.length, dims));
        t.doubles().put(values);
        return t;
    }

    /** An int64 tensor holding a copy of {@code values}. */
    public static HostTensor of(long[] values, long... dims) {
        HostTensor t = zeros(DType.INT64, checked(values.length, dims));
        t.longs().put(values);
        return t;
    }

    private static Shape checked(int length, long[] dims) {
        Shape s = Shape.of(dims);
        if (s.size() != length) {
            throw new IllegalArgumentException(length + " values do not fill shape " + s);
        }
        return s;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    /** Number of elements. */
    public int size() {
        return (int) shape.size();
    }

    /** The raw memory, position 0. */
    public ByteBuffer buffer() {
        return data.duplicate().order(ByteOrder.nativeOrder()).clear();
    }

    public FloatBuffer floats() {
        require(DType.FLOAT32);
        return buffer().asFloatBuffer();
    }

    public DoubleBuffer doubles() {
        require(DType.FLOAT64);
        return buffer().asDoubleBuffer();
    }

    public LongBuffer longs() {
        require(DType.INT64);
        return buffer().asLongBuffer();
    }

    /** A copy of the elements as doubles, whatever the float type. */
    public double[] toDoubleArray() {
        double[] out = new double[size()];
        switch (dtype) {
            case FLOAT32 -> {
                FloatBuffer f = floats();
                for (int i = 0; i < out.length; i++) {
                    out[i] = f.get(i);
                }
            }
            case FLOAT64 -> doubles().get(out);
            case INT64 -> {
                LongBuffer l = longs();
                for (int i = 0; i < out.length; i++) {
                    out[i] = l.get(i);
                }
            }
            default -> throw new IllegalStateException("cannot read " + dtype + " as doubles");
        }
        return out;
    }

    /** A deep copy with its own memory. */
    public HostTensor copy() {
        HostTensor t = zeros(dtype, shape);
        t.data.put(buffer());
        t.data.clear();
        return t;
    }

    private void require(DType expected) {
        if (dtype != expected) {
            throw new IllegalStateException("tensor is " + dtype + shape + ", not " + expected);
        }
    }

    @Override
    public String toString() {
        return dtype + shape.toString();
    }
}
