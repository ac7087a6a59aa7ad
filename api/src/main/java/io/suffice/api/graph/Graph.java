package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * A symbolic computation graph, built once in Java and then lowered to ONNX by the runtime. Values are created by
 * {@link #input}, {@link #parameter}, {@link #constant} and by the op builders, which are named after the ONNX
 * operators they emit ({@link #matMul} emits {@code MatMul}, and so on) and follow ONNX semantics (numpy-style
 * broadcasting, negative axes counting from the end).
 * <p>
 * Every op infers its output shape and dtype when it is called; inputs that do not fit raise a
 * {@link GraphBuildException} naming the op, the inputs with their shapes and the line of user code that created the
 * op. A {@link Shape#DYNAMIC} dimension is symbolic (the batch dimension); all symbolic dimensions of a graph are
 * treated as the same size {@code N} for broadcasting purposes.
 * <p>
 * Graphs are append-only: autodiff adds the backward pass to the same graph, and lowering keeps only the nodes that
 * the requested outputs need. Not thread-safe: build a graph from one thread, after which it may be shared read-only.
 *
 * <pre>{@code
 * Graph g = new Graph(42);
 * Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 2);
 * Value w = g.parameter("w", Shape.of(2, 8), Init.normal(0.5));
 * Value h = g.tanh(g.matMul(x, w));
 * }</pre>
 */
public final class Graph {

    /** Prefix of generated value names; user names may not start with it. */
    public static final String GENERATED_PREFIX = "_v";

    private static final List<String> ENGINE_PACKAGES = List.of("io.suffice.api.graph.", "io.suffice.api.nn.",
            "io.suffice.runtime.engine.");

    private final long seed;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();
    private final Map<String, Value> named = new LinkedHashMap<>();
    private final Map<Value, Node> composites = new java.util.HashMap<>();

    /** A graph whose parameter initialisers draw from random streams derived from {@code seed}. */
    public Graph(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** All nodes in creation (hence topological) order. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** All values in creation order. */
    public List<Value> values() {
        return Collections.unmodifiableList(values);
    }

    /** Graph inputs in declaration order. */
    public List<Value> inputs() {
        return values.stream().filter(v -> v.kind() == Value.Kind.INPUT).toList();
    }

    /** Trainable parameters in declaration order. */
    public List<Value> parameters() {
        return values.stream().filter(v -> v.kind() == Value.Kind.PARAMETER).toList();
    }

    /** The input or parameter called {@code name}, or null. */
    public Value find(String name) {
        return named.get(name);
    }

    // ------------------------------------------------------------------ leaves

    /** A graph input fed at run time; {@link Shape#DYNAMIC} dims are symbolic. */
    public Value input(String name, DType dtype, long... dims) {
        return input(name, dtype, Shape.of(dims));
    }

    public Value input(String name, DType dtype, Shape shape) {
        checkName(name);
        Value v = new Value(this, values.size(), name, Value.Kind.INPUT, dtype, shape, null, null);
        values.add(v);
        named.put(name, v);
        return v;
    }

    /** A FLOAT32 trainable parameter initialised by {@code init}. */
    public Value parameter(String name, Shape shape, Init init) {
        return parameter(name, DType.FLOAT32, shape, init);
    }

    /**
     * A trainable parameter. Its initial value is drawn now, from a random stream that depends only on the graph seed
     * and {@code name}.
     */
    public Value parameter(String name, DType dtype, Shape shape, Init init) {
        checkName(name);
        if (!shape.isStatic()) {
            throw new GraphBuildException("parameter '" + name + "' needs a static shape, got " + shape
                    + "; created at " + site());
        }
        HostTensor t = HostTensor.zeros(dtype, shape);
        init.fill(t, new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode()));
        Value v = new Value(this, values.size(), name, Value.Kind.PARAMETER, dtype, shape, null, t);
        values.add(v);
        named.put(name, v);
        return v;
    }

    /** A constant holding a copy of {@code data}. */
    public Value constant(HostTensor data) {
        Value v = new Value(this, values.size(), GENERATED_PREFIX + values.size(), Value.Kind.CONSTANT, data.dtype(),
                data.shape(), null, data.copy());
        values.add(v);
        return v;
    }

    /** A scalar (rank 0) constant of the given float or int dtype. */
    public Value scalar(double value, DType dtype) {
        HostTensor t = HostTensor.zeros(dtype, Shape.scalar());
        switch (dtype) {
            case FLOAT32 -> t.floats().put(0, (float) value);
            case FLOAT64 -> t.doubles().put(0, value);
            case INT64 -> t.longs().put(0, (long) value);
            default -> throw new GraphBuildException("no scalar constants of " + dtype);
        }
        return constant(t);
    }

    /** A 1-D INT64 constant (axes, shapes, indices). */
    public Value longs(long... values) {
        return constant(HostTensor.of(values.clone(), values.length));
    }

    // ------------------------------------------------------------------ elementwise

    public Value add(Value a, Value b) {
        return binary("Add", a, b);
    }

    public Value sub(Value a, Value b) {
        return binary("Sub", a, b);
    }

    public Value mul(Value a, Value b) {
        return binary("Mul", a, b);
    }

    public Value div(Value a, Value b) {
        return binary("Div", a, b);
    }

    public Value pow(Value a, Value b) {
        return binary("Pow", a, b);
    }

    /** Elementwise maximum of two tensors (ONNX Max with two inputs). */
    public Value max(Value a, Value b) {
        return binary("Max", a, b);
    }

    public Value min(Value a, Value b) {
        return binary("Min", a, b);
    }

    public Value neg(Value x) {
        return unary("Neg", x);
    }

    public Value exp(Value x) {
        return unary("Exp", x);
    }

    public Value log(Value x) {
        return unary("Log", x);
    }

    public Value sqrt(Value x) {
        return unary("Sqrt", x);
    }

    public Value tanh(Value x) {
        return unary("Tanh", x);
    }

    public Value sigmoid(Value x) {
        return unary("Sigmoid", x);
    }

    public Value relu(Value x) {
        return unary("Relu", x);
    }

    public Value leakyRelu(Value x, double alpha) {
        requireFloat("LeakyRelu", x);
        return emit("LeakyRelu", List.of(x), Map.of("alpha", alpha), x.dtype(), x.shape());
    }

    /**
     * log(1 + exp(x)). ONNX Runtime implements Softplus for float32 only, so a FLOAT64 input is computed as
     * {@code relu(x) + log1p(exp(-|x|))} from double-capable primitives (log1p by Goldberg's trick, accurate to a few
     * ulps even where the result is ~1e-300) and differentiated as one Softplus.
     */
    public Value softplus(Value x) {
        if (x.dtype() != DType.FLOAT64) {
            return unary("Softplus", x);
        }
        Value u = exp(neg(abs(x)));
        Value one = scalar(1, DType.FLOAT64);
        Value w = add(one, u);
        // log1p(u) = u when 1 + u rounds to 1, else log(w) * u / (w - 1), which cancels the rounding of w
        Value log1p = where(equal(w, one), u, div(mul(log(w), u), sub(w, one)));
        return composite("Softplus", List.of(x), Map.of(), add(relu(x), log1p));
    }

    public Value erf(Value x) {
        return unary("Erf", x);
    }

    public Value abs(Value x) {
        return unary("Abs", x);
    }

    public Value sign(Value x) {
        return unary("Sign", x);
    }

    public Value identity(Value x) {
        return emit("Identity", List.of(x), Map.of(), x.dtype(), x.shape());
    }

    /**
     * Exact GELU, x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), composed of ONNX primitives. Written with a Div by
     * sqrt 2 because that is the pattern ONNX Runtime fuses into its vectorised Gelu kernel in forward-only models.
     */
    public Value gelu(Value x) {
        Value e = erf(div(x, scalar(Math.sqrt(2), x.dtype())));
        // Differentiated primitive by primitive: the backward pass reuses erf(.) + 1 and x / 2 from the forward
        // pass, which measured faster than a composite Gelu (fused forward, but more backward work).
        return mul(mul(x, scalar(0.5, x.dtype())), add(e, scalar(1, x.dtype())));
    }

    /**
     * Declares that {@code output} computes the (possibly non-ONNX) operator {@code opType} of {@code inputs}, built
     * from primitives already in the graph. Autodiff then applies the gradient rule registered for {@code opType}
     * to the composite as a whole instead of differentiating the primitives one by one.
     *
     * @return {@code output}
     */
    public Value composite(String opType, List<Value> inputs, Map<String, Object> attrs, Value output) {
        if (output.producer() == null || output.graph() != this) {
            throw new GraphBuildException("composite " + opType + " must name a node output of this graph; created at "
                    + site());
        }
        composites.put(output, new Node(opType, "", List.copyOf(inputs), List.of(output), Map.copyOf(attrs),
                output.producer().site()));
        return output;
    }

    /** The composite declared for {@code v} (a node whose inputs are the composite's inputs), or null. */
    public Node compositeOf(Value v) {
        return composites.get(v);
    }

    /** Clamps to [min, max]. */
    public Value clip(Value x, double min, double max) {
        requireFloat("Clip", x);
        return emit("Clip", Arrays.asList(x, scalar(min, x.dtype()), scalar(max, x.dtype())), Map.of(), x.dtype(),
                x.shape());
    }

    /** {@code cond ? a : b} elementwise with broadcasting; {@code cond} is BOOL. */
    public Value where(Value cond, Value a, Value b) {
        if (cond.dtype() != DType.BOOL) {
            throw fail("Where", "condition must be BOOL", cond, a, b);
        }
        requireSameType("Where", a, b);
        return emit("Where", List.of(cond, a, b), Map.of(), a.dtype(), broadcast("Where", cond, a, b));
    }

    public Value equal(Value a, Value b) {
        return compare("Equal", a, b);
    }

    public Value greater(Value a, Value b) {
        return compare("Greater", a, b);
    }

    public Value less(Value a, Value b) {
        return compare("Less", a, b);
    }

    public Value greaterOrEqual(Value a, Value b) {
        return compare("GreaterOrEqual", a, b);
    }

    public Value lessOrEqual(Value a, Value b) {
        return compare("LessOrEqual", a, b);
    }

    public Value and(Value a, Value b) {
        if (a.dtype() != DType.BOOL || b.dtype() != DType.BOOL) {
            throw fail("And", "inputs must be BOOL", a, b);
        }
        return emit("And", List.of(a, b), Map.of(), DType.BOOL, broadcast("And", a, b));
    }

    public Value cast(Value x, DType to) {
        return emit("Cast", List.of(x), Map.of("to", (long) onnxType(to)), to, x.shape());
    }

    // ------------------------------------------------------------------ normalisation and softmax

    public Value softmax(Value x, int axis) {
        return axisOp("Softmax", x, axis);
    }

    public Value logSoftmax(Value x, int axis) {
        return axisOp("LogSoftmax", x, axis);
    }

    /**
     * ONNX LayerNormalization over dimensions {@code axis..rank-1}; {@code scale} and {@code bias} (may be null) have
     * the shape of those trailing dimensions.
     */
    public Value layerNormalization(Value x, Value scale, Value bias, int axis, double epsilon) {
        requireFloat("LayerNormalization", x);
        int a = normAxis("LayerNormalization", axis, x.rank(), x);
        long[] tail = Arrays.copyOfRange(x.shape().dims(), a, x.rank());
        for (Value p : bias == null ? List.of(scale) : List.of(scale, bias)) {
            requireSameType("LayerNormalization", x, p);
            if (!Arrays.equals(p.shape().dims(), tail)) {
                throw fail("LayerNormalization", "scale and bias must have shape " + Shape.of(tail), x, scale, bias);
            }
        }
        return emit("LayerNormalization", Arrays.asList(x, scale, bias), Map.of("axis", (long) a, "epsilon", epsilon),
                x.dtype(), x.shape());
    }

    // ------------------------------------------------------------------ reductions

    /** Sum over {@code axes} (all axes when empty). */
    public Value reduceSum(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceSum", x, keepDims, axes);
    }

    public Value reduceMean(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceMean", x, keepDims, axes);
    }

    public Value reduceMax(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceMax", x, keepDims, axes);
    }

    public Value reduceProd(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceProd", x, keepDims, axes);
    }

    /** log(sum(exp(x))) over {@code axes}, computed stably by ONNX Runtime. */
    public Value reduceLogSumExp(Value x, boolean keepDims, long... axes) {
        return reduce("ReduceLogSumExp", x, keepDims, axes);
    }

    // ------------------------------------------------------------------ linear algebra

    /** numpy matmul: batched over leading dimensions with broadcasting; rank-1 operands as in numpy. */
    public Value matMul(Value a, Value b) {
        requireSameType("MatMul", a, b);
        requireFloat("MatMul", a);
        if (a.rank() < 1 || b.rank() < 1) {
            throw fail("MatMul", "operands must have rank >= 1", a, b);
        }
        long[] ad = a.rank() == 1 ? new long[]{1, a.shape().dim(0)} : a.shape().dims();
        long[] bd = b.rank() == 1 ? new long[]{b.shape().dim(0), 1} : b.shape().dims();
        long k1 = ad[ad.length - 1];
        long k2 = bd[bd.length - 2];
        if (k1 != k2 && k1 != Shape.DYNAMIC && k2 != Shape.DYNAMIC) {
            throw fail("MatMul", "inner dimensions differ (" + k1 + " vs " + k2 + ")", a, b);
        }
        long[] batch = broadcastDims("MatMul", new long[][]{Arrays.copyOf(ad, ad.length - 2),
                Arrays.copyOf(bd, bd.length - 2)}, a, b);
        List<Long> out = new ArrayList<>();
        for (long d : batch) {
            out.add(d);
        }
        if (a.rank() > 1) {
            out.add(ad[ad.length - 2]);
        }
        if (b.rank() > 1) {
            out.add(bd[bd.length - 1]);
        }
        return emit("MatMul", List.of(a, b), Map.of(), a.dtype(), Shape.of(out.stream().mapToLong(x -> x).toArray()));
    }

    /** alpha * A' B' + beta * C with A' = transA ? A^T : A (2-D), likewise B'; {@code c} may be null. */
    public Value gemm(Value a, Value b, Value c, double alpha, double beta, boolean transA, boolean transB) {
        requireSameType("Gemm", a, b);
        requireFloat("Gemm", a);
        if (a.rank() != 2 || b.rank() != 2) {
            throw fail("Gemm", "A and B must be 2-D", a, b, c);
        }
        long m = a.shape().dim(transA ? 1 : 0);
        long k1 = a.shape().dim(transA ? 0 : 1);
        long k2 = b.shape().dim(transB ? 1 : 0);
        long n = b.shape().dim(transB ? 0 : 1);
        if (k1 != k2 && k1 != Shape.DYNAMIC && k2 != Shape.DYNAMIC) {
            throw fail("Gemm", "inner dimensions differ (" + k1 + " vs " + k2 + ")", a, b, c);
        }
        Shape out = Shape.of(m, n);
        if (c != null) {
            requireSameType("Gemm", a, c);
            Shape bc = broadcastShape("Gemm", new long[][]{out.dims(), c.shape().dims()}, a, b, c);
            if (!bc.equals(out)) {
                throw fail("Gemm", "C must broadcast to " + out, a, b, c);
            }
        }
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("alpha", alpha);
        attrs.put("beta", beta);
        attrs.put("transA", transA ? 1L : 0L);
        attrs.put("transB", transB ? 1L : 0L);
        return emit("Gemm", c == null ? List.of(a, b) : List.of(a, b, c), attrs, a.dtype(), out);
    }

    // ------------------------------------------------------------------ shape manipulation

    /** Permutes dimensions; no {@code perm} reverses them. */
    public Value transpose(Value x, long... perm) {
        int r = x.rank();
        long[] p = perm.length == 0 ? new long[r] : perm.clone();
        if (perm.length == 0) {
            for (int i = 0; i < r; i++) {
                p[i] = r - 1 - i;
            }
        }
        boolean[] seen = new boolean[r];
        if (p.length != r) {
            throw fail("Transpose", "perm " + Arrays.toString(perm) + " does not match rank " + r, x);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            if (p[i] < 0 || p[i] >= r || seen[(int) p[i]]) {
                throw fail("Transpose", "perm " + Arrays.toString(perm) + " is not a permutation", x);
            }
            seen[(int) p[i]] = true;
            out[i] = x.shape().dim((int) p[i]);
        }
        return emit("Transpose", List.of(x), Map.of("perm", p), x.dtype(), Shape.of(out));
    }

    /** ONNX Reshape with a constant target: 0 copies the input dimension, -1 is inferred. */
    public Value reshape(Value x, long... shape) {
        long[] in = x.shape().dims();
        long[] out = new long[shape.length];
        int infer = -1;
        long known = 1;
        boolean dynamicLeft = false;
        boolean[] copied = new boolean[in.length];
        for (int i = 0; i < shape.length; i++) {
            if (shape[i] == 0) {
                if (i >= in.length) {
                    throw fail("Reshape", "0 at position " + i + " beyond input rank", x);
                }
                out[i] = in[i];
                copied[i] = true;
            } else if (shape[i] == -1) {
                if (infer >= 0) {
                    throw fail("Reshape", "more than one -1 in " + Arrays.toString(shape), x);
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw fail("Reshape", "bad target " + Arrays.toString(shape), x);
            } else {
                out[i] = shape[i];
                known *= shape[i];
            }
        }
        long have = 1;
        for (int i = 0; i < in.length; i++) {
            if (copied[i]) {
                continue;
            }
            if (in[i] == Shape.DYNAMIC) {
                dynamicLeft = true;
            } else {
                have *= in[i];
            }
        }
        if (infer >= 0) {
            if (dynamicLeft) {
                out[infer] = Shape.DYNAMIC;
            } else {
                if (known == 0 || have % known != 0) {
                    throw fail("Reshape", "cannot reshape to " + Arrays.toString(shape), x);
                }
                out[infer] = have / known;
            }
        } else if (!dynamicLeft && have != known) {
            throw fail("Reshape", "element count differs from target " + Arrays.toString(shape), x);
        }
        return emit("Reshape", List.of(x, longs(shape)), Map.of(), x.dtype(), Shape.of(out));
    }

    /** Reshapes {@code x} to the (run-time) shape of {@code like}; element counts must agree. */
    public Value reshapeLike(Value x, Value like) {
        return emit("Reshape", List.of(x, shape(like)), Map.of(), x.dtype(), like.shape());
    }

    /** Broadcasts {@code x} to the (run-time) shape of {@code like} (ONNX Expand). */
    public Value expandLike(Value x, Value like) {
        Shape out = broadcastShape("Expand", new long[][]{x.shape().dims(), like.shape().dims()}, x, like);
        return emit("Expand", List.of(x, shape(like)), Map.of(), x.dtype(), out);
    }

    /** The run-time shape of {@code x} as a 1-D INT64 tensor. */
    public Value shape(Value x) {
        return emit("Shape", List.of(x), Map.of(), DType.INT64, Shape.of(x.rank()));
    }

    /** Inserts size-1 dimensions at {@code axes} (positions in the output). */
    public Value unsqueeze(Value x, long... axes) {
        int r = x.rank() + axes.length;
        boolean[] ins = new boolean[r];
        for (long a : axes) {
            int n = normAxis("Unsqueeze", a, r, x);
            if (ins[n]) {
                throw fail("Unsqueeze", "repeated axis in " + Arrays.toString(axes), x);
            }
            ins[n] = true;
        }
        long[] out = new long[r];
        for (int i = 0, j = 0; i < r; i++) {
            out[i] = ins[i] ? 1 : x.shape().dim(j++);
        }
        return emit("Unsqueeze", List.of(x, longs(axes)), Map.of(), x.dtype(), Shape.of(out));
    }

    /** Removes the size-1 dimensions at {@code axes}. */
    public Value squeeze(Value x, long... axes) {
        boolean[] del = new boolean[x.rank()];
        for (long a : axes) {
            int n = normAxis("Squeeze", a, x.rank(), x);
            if (x.shape().dim(n) != 1) {
                throw fail("Squeeze", "dimension " + n + " is not 1", x);
            }
            del[n] = true;
        }
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < x.rank(); i++) {
            if (!del[i]) {
                out.add(x.shape().dim(i));
            }
        }
        return emit("Squeeze", List.of(x, longs(axes)), Map.of(), x.dtype(),
                Shape.of(out.stream().mapToLong(v -> v).toArray()));
    }

    /** Joins tensors along {@code axis}; other dimensions must agree. */
    public Value concat(int axis, Value... xs) {
        if (xs.length == 0) {
            throw new GraphBuildException("Concat needs at least one input; created at " + site());
        }
        int r = xs[0].rank();
        int a = normAxis("Concat", axis, r, xs);
        long[] out = xs[0].shape().dims();
        out[a] = 0;
        for (Value x : xs) {
            requireSameType("Concat", xs[0], x);
            if (x.rank() != r) {
                throw fail("Concat", "ranks differ", xs);
            }
            for (int i = 0; i < r; i++) {
                long d = x.shape().dim(i);
                if (i == a) {
                    out[a] = out[a] == Shape.DYNAMIC || d == Shape.DYNAMIC ? Shape.DYNAMIC : out[a] + d;
                } else if (d != out[i] && d != Shape.DYNAMIC && out[i] != Shape.DYNAMIC) {
                    throw fail("Concat", "dimension " + i + " differs", xs);
                }
            }
        }
        return emit("Concat", List.of(xs), Map.of("axis", (long) a), xs[0].dtype(), Shape.of(out));
    }

    /** ONNX Slice with constant starts/ends/axes/steps (steps may be null for all 1). */
    public Value slice(Value x, long[] starts, long[] ends, long[] axes, long[] steps) {
        long[] st = steps == null ? filled(starts.length, 1) : steps;
        if (ends.length != starts.length || axes.length != starts.length || st.length != starts.length) {
            throw fail("Slice", "starts, ends, axes and steps must have equal lengths", x);
        }
        long[] out = x.shape().dims();
        for (int i = 0; i < axes.length; i++) {
            int a = normAxis("Slice", axes[i], x.rank(), x);
            long d = out[a];
            if (st[i] == 0) {
                throw fail("Slice", "step 0", x);
            }
            if (d == Shape.DYNAMIC) {
                continue;
            }
            long[] range = sliceRange(d, starts[i], ends[i], st[i]);
            long n = st[i] > 0 ? Math.max(0, (range[1] - range[0] + st[i] - 1) / st[i])
                    : Math.max(0, (range[0] - range[1] - st[i] - 1) / -st[i]);
            out[a] = n;
        }
        return emit("Slice", List.of(x, longs(starts), longs(ends), longs(axes), longs(st)), Map.of(), x.dtype(),
                Shape.of(out));
    }

    /**
     * Clamped start and end of a slice along a dimension of size {@code d}, per the ONNX Slice specification.
     *
     * @return {start, end} after clamping
     */
    public static long[] sliceRange(long d, long start, long end, long step) {
        long s = start < 0 ? start + d : start;
        long e = end < 0 ? end + d : end;
        if (step > 0) {
            s = Math.max(0, Math.min(s, d));
            e = Math.max(0, Math.min(e, d));
        } else {
            s = Math.max(0, Math.min(s, d - 1));
            e = Math.max(-1, Math.min(e, d - 1));
        }
        return new long[]{s, e};
    }

    /** Takes entries of {@code data} along {@code axis} at INT64/INT32 {@code indices} (embedding lookup). */
    public Value gather(Value data, Value indices, int axis) {
        if (indices.dtype() != DType.INT64 && indices.dtype() != DType.INT32) {
            throw fail("Gather", "indices must be INT64 or INT32", data, indices);
        }
        int a = normAxis("Gather", axis, data.rank(), data, indices);
        long[] d = data.shape().dims();
        long[] out = new long[d.length - 1 + indices.rank()];
        int k = 0;
        for (int i = 0; i < a; i++) {
            out[k++] = d[i];
        }
        for (long v : indices.shape().dims()) {
            out[k++] = v;
        }
        for (int i = a + 1; i < d.length; i++) {
            out[k++] = d[i];
        }
        return emit("Gather", List.of(data, indices), Map.of("axis", (long) a), data.dtype(), Shape.of(out));
    }

    /** Zero-pads with ONNX pads layout {@code [begin_0..begin_r-1, end_0..end_r-1]}. */
    public Value pad(Value x, long... pads) {
        if (pads.length != 2 * x.rank()) {
            throw fail("Pad", "pads must have 2*rank entries", x);
        }
        long[] out = x.shape().dims();
        for (int i = 0; i < out.length; i++) {
            if (out[i] != Shape.DYNAMIC) {
                out[i] += pads[i] + pads[i + out.length];
            }
        }
        return emit("Pad", List.of(x, longs(pads)), Map.of(), x.dtype(), Shape.of(out));
    }

    // ------------------------------------------------------------------ custom ops

    /**
     * Emits an arbitrary operator whose output dtype and shape the caller states (no inference). Use it for ONNX
     * operators without a dedicated builder or for custom-domain operators; register a gradient rule in the runtime to
     * differentiate through it.
     */
    public Value op(String opType, String domain, List<Value> inputs, Map<String, Object> attrs, DType outType,
                    Shape outShape) {
        for (Value v : inputs) {
            if (v != null && v.graph() != this) {
                throw fail(opType, "input from another graph", inputs.toArray(new Value[0]));
            }
        }
        return emitIn(opType, domain, inputs, attrs, List.of(outType), List.of(outShape)).get(0);
    }

    /** Multi-output variant of {@link #op}. */
    public List<Value> opMulti(String opType, String domain, List<Value> inputs, Map<String, Object> attrs,
                               List<DType> outTypes, List<Shape> outShapes) {
        return emitIn(opType, domain, inputs, attrs, outTypes, outShapes);
    }

    // ------------------------------------------------------------------ internals

    private Value unary(String op, Value x) {
        requireFloat(op, x);
        return emit(op, List.of(x), Map.of(), x.dtype(), x.shape());
    }

    private Value binary(String op, Value a, Value b) {
        requireSameType(op, a, b);
        return emit(op, List.of(a, b), Map.of(), a.dtype(), broadcast(op, a, b));
    }

    private Value compare(String op, Value a, Value b) {
        requireSameType(op, a, b);
        return emit(op, List.of(a, b), Map.of(), DType.BOOL, broadcast(op, a, b));
    }

    private Value axisOp(String op, Value x, int axis) {
        requireFloat(op, x);
        int a = normAxis(op, axis, x.rank(), x);
        return emit(op, List.of(x), Map.of("axis", (long) a), x.dtype(), x.shape());
    }

    /** Opset 17: ReduceSum takes axes as an input, the other reductions as an attribute. */
    private Value reduce(String op, Value x, boolean keepDims, long[] axes) {
        if (x.dtype() == DType.BOOL) {
            throw fail(op, "cannot reduce BOOL", x);
        }
        int r = x.rank();
        boolean[] red = new boolean[r];
        long[] norm = new long[axes.length == 0 ? r : axes.length];
        if (axes.length == 0) {
            Arrays.fill(red, true);
            for (int i = 0; i < r; i++) {
                norm[i] = i;
            }
        } else {
            for (int i = 0; i < axes.length; i++) {
                int n = normAxis(op, axes[i], r, x);
                if (red[n]) {
                    throw fail(op, "repeated axis in " + Arrays.toString(axes), x);
                }
                red[n] = true;
                norm[i] = n;
            }
        }
        Arrays.sort(norm);
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < r; i++) {
            if (!red[i]) {
                out.add(x.shape().dim(i));
            } else if (keepDims) {
                out.add(1L);
            }
        }
        Shape s = Shape.of(out.stream().mapToLong(v -> v).toArray());
        Map<String, Object> attrs = new LinkedHashMap<>();
        attrs.put("keepdims", keepDims ? 1L : 0L);
        if (op.equals("ReduceSum")) {
            return emit(op, List.of(x, longs(norm)), attrs, x.dtype(), s);
        }
        attrs.put("axes", norm);
        return emit(op, List.of(x), attrs, x.dtype(), s);
    }

    private Value emit(String op, List<Value> inputs, Map<String, Object> attrs, DType type, Shape shape) {
        return emitIn(op, "", inputs, attrs, List.of(type), List.of(shape)).get(0);
    }

    private List<Value> emitIn(String op, String domain, List<Value> inputs, Map<String, Object> attrs,
                               List<DType> types, List<Shape> shapes) {
        for (Value v : inputs) {
            if (v != null && v.graph() != this) {
                throw new GraphBuildException(op + ": input " + v + " belongs to another graph; created at " + site());
            }
        }
        List<Value> outs = new ArrayList<>();
        // The node is created first so its outputs can point at it; outs is filled before anyone can observe it.
        Node node = new Node(op, domain, Collections.unmodifiableList(new ArrayList<>(inputs)),
                Collections.unmodifiableList(outs), Map.copyOf(attrs), site());
        for (int i = 0; i < types.size(); i++) {
            Value v = new Value(this, values.size(), GENERATED_PREFIX + values.size(), Value.Kind.NODE, types.get(i),
                    shapes.get(i), node, null);
            values.add(v);
            outs.add(v);
        }
        nodes.add(node);
        return List.copyOf(outs);
    }

    private Shape broadcast(String op, Value... vs) {
        long[][] dims = new long[vs.length][];
        for (int i = 0; i < vs.length; i++) {
            dims[i] = vs[i].shape().dims();
        }
        return broadcastShape(op, dims, vs);
    }

    private Shape broadcastShape(String op, long[][] dims, Value... culprits) {
        return Shape.of(broadcastDims(op, dims, culprits));
    }

    private long[] broadcastDims(String op, long[][] dims, Value... culprits) {
        int r = 0;
        for (long[] d : dims) {
            r = Math.max(r, d.length);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long res = 1;
            for (long[] d : dims) {
                int j = d.length - r + i;
                if (j < 0) {
                    continue;
                }
                long v = d[j];
                if (v == 1) {
                    continue;
                }
                if (res == 1) {
                    res = v;
                } else if (res == Shape.DYNAMIC) {
                    res = v; // a concrete size pins the symbolic one
                } else if (v != Shape.DYNAMIC && v != res) {
                    throw fail(op, "shapes do not broadcast (dimension " + i + " of the result: " + res + " vs " + v
                            + ")", culprits);
                }
            }
            out[i] = res;
        }
        return out;
    }

    private void requireSameType(String op, Value a, Value b) {
        if (a.dtype() != b.dtype()) {
            throw fail(op, "dtypes differ (" + a.dtype() + " vs " + b.dtype() + ")", a, b);
        }
    }

    private void requireFloat(String op, Value x) {
        if (!x.isFloat()) {
            throw fail(op, "needs a FLOAT32 or FLOAT64 input", x);
        }
    }

    private int normAxis(String op, long axis, int rank, Value... culprits) {
        if (axis < -rank || axis >= rank) {
            throw fail(op, "axis " + axis + " out of range for rank " + rank, culprits);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    private void checkName(String name) {
        if (name == null || name.isEmpty() || name.startsWith(GENERATED_PREFIX)) {
            throw new GraphBuildException("bad name '" + name + "' (empty or starting with " + GENERATED_PREFIX
                    + "); created at " + site());
        }
        if (named.containsKey(name)) {
            throw new GraphBuildException("name '" + name + "' is already used by " + named.get(name)
                    + "; created at " + site());
        }
    }

    private GraphBuildException fail(String op, String why, Value... inputs) {
        StringJoiner j = new StringJoiner(", ");
        for (Value v : inputs) {
            if (v != null) {
                j.add(v.toString());
            }
        }
        return new GraphBuildException(op + ": " + why + "; inputs " + j + "; created at " + site());
    }

    private static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    /** The first stack frame outside the engine's own packages (test classes count as user code). */
    static String site() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> {
                    String c = f.getClassName();
                    boolean engine = ENGINE_PACKAGES.stream().anyMatch(c::startsWith) && !c.endsWith("Test")
                            && !c.contains("Test$");
                    return !engine && !c.startsWith("java.");
                })
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":"
                        + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }

    /** The ONNX TensorProto.DataType code of a dtype. */
    public static int onnxType(DType t) {
        return switch (t) {
            case FLOAT32 -> 1;
            case INT32 -> 6;
            case INT64 -> 7;
            case BOOL -> 9;
            case FLOAT64 -> 11;
        };
    }
}
