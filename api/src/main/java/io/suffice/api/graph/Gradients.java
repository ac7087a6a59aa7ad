package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Helpers that make gradient rules one-liners (in the spirit of JAX's {@code defjvp}/{@code deflinear}): a unary
 * rule is its derivative times the incoming gradient, a binary elementwise rule is two such products with
 * broadcasting undone. Stateless.
 */
public final class Gradients {
    private Gradients() {
    }

    /** The vector-Jacobian product of a one-input, one-output operator. */
    @FunctionalInterface
    public interface UnaryVjp {
        /** The gradient with respect to {@code x}, given output {@code y} and its gradient {@code dy}. */
        Value apply(Graph g, Value x, Value y, Value dy);
    }

    /** One side of a broadcasting two-input operator's vector-Jacobian product. */
    @FunctionalInterface
    public interface BinaryVjp {
        /** The gradient with respect to one input, before broadcasting is undone. */
        Value apply(Graph g, Value a, Value b, Value y, Value dy);
    }

    /** The rule of a unary operator whose input gradient is {@code vjp}. */
    public static GradientRule unary(UnaryVjp vjp) {
        return (g, n, gy, need) -> Arrays.asList(vjp.apply(g, n.input(0), n.output(), gy.get(0)));
    }

    /** The rule of a broadcasting binary operator; each side's result is summed back to its input's shape. */
    public static GradientRule binary(BinaryVjp da, BinaryVjp db) {
        return (g, n, gy, need) -> {
            Value a = n.input(0);
            Value b = n.input(1);
            Value y = n.output();
            Value dy = gy.get(0);
            return Arrays.asList(need[0] ? unbroadcast(g, da.apply(g, a, b, y, dy), a.shape()) : null,
                    need[1] ? unbroadcast(g, db.apply(g, a, b, y, dy), b.shape()) : null);
        };
    }

    /** The rule of an operator linear in its first input whose other inputs are shape operands: {@code dx = f(dy)}. */
    public static GradientRule linear(UnaryVjp vjp) {
        return (g, n, gy, need) -> {
            List<Value> out = new ArrayList<>(Arrays.asList(new Value[n.inputs().size()]));
            out.set(0, vjp.apply(g, n.input(0), n.output(), gy.get(0)));
            return out;
        };
    }

    /**
     * Sums {@code grad} over the dimensions along which a tensor of shape {@code target} was broadcast to produce
     * it, so the result has shape {@code target}. A symbolic dimension in {@code target} is assumed not broadcast.
     */
    public static Value unbroadcast(Graph g, Value grad, Shape target) {
        long[] gs = grad.shape().dims();
        long[] ts = target.dims();
        int lead = gs.length - ts.length;
        if (lead < 0) {
            throw new IllegalStateException("gradient " + grad + " has lower rank than its input " + target);
        }
        List<Long> ones = new ArrayList<>();
        for (int i = 0; i < ts.length; i++) {
            if (ts[i] == 1 && gs[lead + i] != 1) {
                ones.add((long) (lead + i));
            }
        }
        Value r = grad;
        if (!ones.isEmpty()) {
            r = g.reduceSum(r, true, ones.stream().mapToLong(x -> x).toArray());
        }
        if (lead > 0) {
            r = sumLeading(g, r, lead);
        }
        return r;
    }

    /** Rows below which a ReduceSum is as fast as the MatMul of {@link #sumLeading}. */
    static final long MATMUL_SUM_ROWS = 128;

    /**
     * Sums {@code x} over its first {@code lead} dimensions. With static trailing sizes this is the product
     * {@code ones[N] x[N, rest]}: ONNX Runtime's ReduceSum over the leading axes of a [20736, 256] float32 gradient
     * (a bias gradient of the clip step) took 2.1-4.9 ms where that MatMul took 0.6-0.9 ms. With a symbolic batch
     * the ones are made at run time (ConstantOfShape of the row count).
     */
    static Value sumLeading(Graph g, Value x, int lead) {
        long rows = x.shape().size(0, lead);
        long rest = x.shape().size(lead, x.rank());
        boolean fewRows = rows != Shape.DYNAMIC && rows < MATMUL_SUM_ROWS;
        if (lead == x.rank() || rest == Shape.DYNAMIC || fewRows
                || x.dtype() != DType.FLOAT32 && x.dtype() != DType.FLOAT64) {
            return g.reduceSum(x, false, range(0, lead));
        }
        Value flat = g.reshape(x, -1, rest);
        HostTensor one = HostTensor.zeros(x.dtype(), Shape.of(1)); // ConstantOfShape wants a one-element 1-D value
        if (x.dtype() == DType.FLOAT32) {
            one.floats().put(0, 1f);
        } else {
            one.doubles().put(0, 1d);
        }
        Value ones;
        if (rows == Shape.DYNAMIC) {
            ones = g.constantOfShape(g.slice(g.shape(flat), new long[]{0}, new long[]{1}, new long[]{0}, null), one,
                    Shape.DYNAMIC);
        } else {
            ones = g.expand(g.constant(one), g.longs(rows), rows);
        }
        Value sum = g.matMul(ones, flat);
        return g.reshape(sum, Arrays.copyOfRange(x.shape().dims(), lead, x.rank()));
    }

    /** A scalar constant of {@code like}'s dtype. */
    public static Value c(Graph g, double v, Value like) {
        return g.scalar(v, like.dtype());
    }

    /** {@code from, from + 1, ..., to - 1}. */
    public static long[] range(int from, int to) {
        long[] a = new long[to - from];
        Arrays.setAll(a, i -> from + i);
        return a;
    }

    /** The integer data of a constant operand (axes, pads, slice bounds) of a node being differentiated. */
    public static long[] longsOf(Value constant) {
        HostTensor t = constant.data();
        if (t == null) {
            throw new UnsupportedOperationException(constant + " must be a constant for differentiation");
        }
        return ImportedNode.longsOf(t, constant.toString());
    }
}
