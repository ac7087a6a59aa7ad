package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Shape-manipulating builders of {@link Graph} (Reshape, Slice, Gather, ...), including the forms whose shape operands
 * are computed at run time, and their {@link Operator} definitions.
 */
abstract class ShapeOps extends ReductionOps {

    ShapeOps(long seed) {
        super(seed);
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
            throw fail("Transpose", "perm " + Shape.text(perm) + " does not match rank " + r, x);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            if (p[i] < 0 || p[i] >= r || seen[(int) p[i]]) {
                throw fail("Transpose", "perm " + Shape.text(perm) + " is not a permutation", x);
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
                    throw fail("Reshape", "more than one -1 in " + Shape.text(shape), x);
                }
                infer = i;
            } else if (shape[i] < 0) {
                throw fail("Reshape", "bad target " + Shape.text(shape), x);
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
                    throw fail("Reshape", "cannot reshape to " + Shape.text(shape), x);
                }
                out[infer] = have / known;
            }
        } else if (!dynamicLeft && have != known) {
            throw fail("Reshape", "element count differs from target " + Shape.text(shape), x);
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
                throw fail("Unsqueeze", "repeated axis in " + Shape.text(axes), x);
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

    // ------------------------------------------------------------------ shapes computed at run time

    /**
     * ONNX Reshape to a run-time target {@code shape} (1-D INT64), for graphs whose shapes depend on a symbolic
     * batch or sequence size. {@code known} holds what is known of the target at build time: a size, 0 (copy the
     * input dimension), -1 (inferred) or {@link Shape#DYNAMIC}; it only sets the inferred shape.
     */
    public Value reshape(Value x, Value shape, long... known) {
        if (shape.kind() == Value.Kind.CONSTANT) {
            return reshape(x, ImportedNode.longsOf(shape.data(), "shape"));
        }
        requireShapeOperand("Reshape", shape, known, x);
        long[] in = x.shape().dims();
        long[] out = new long[known.length];
        long rest = 1;
        int infer = -1;
        boolean unknown = false;
        for (int i = 0; i < known.length; i++) {
            long k = known[i];
            out[i] = k == 0 && i < in.length ? in[i] : k;
            if (k == -1) {
                infer = i;
            } else if (out[i] == Shape.DYNAMIC) {
                unknown = true;
            } else {
                rest *= out[i];
            }
        }
        if (infer >= 0) {
            out[infer] = Shape.DYNAMIC;
            if (!unknown && x.shape().isStatic() && rest > 0) {
                out[infer] = x.shape().size() / rest;
            }
        }
        return emit("Reshape", List.of(x, shape), Map.of(), x.dtype(), Shape.of(out));
    }

    /** ONNX Expand to a run-time {@code shape}; {@code known} as for {@link #reshape(Value, Value, long...)}. */
    public Value expand(Value x, Value shape, long... known) {
        requireShapeOperand("Expand", shape, known, x);
        long[] target = known.clone();
        for (int i = 0; i < target.length; i++) {
            if (target[i] == 1) {
                target[i] = Shape.DYNAMIC; // 1 keeps the input's size, which broadcasting below restores
            }
        }
        long[] xd = x.shape().dims();
        int r = Math.max(xd.length, target.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            int xi = i - (r - xd.length);
            int ti = i - (r - target.length);
            long a = xi >= 0 ? xd[xi] : 1;
            long b = ti >= 0 ? known[ti] : 1;
            out[i] = b == 1 ? a : a == 1 ? b : a == Shape.DYNAMIC ? b : a;
        }
        return emit("Expand", List.of(x, shape), Map.of(), x.dtype(), Shape.of(out));
    }

    /** ONNX ConstantOfShape: a tensor of run-time {@code shape} filled with the one element of {@code value}. */
    public Value constantOfShape(Value shape, HostTensor value, long... known) {
        requireShapeOperand("ConstantOfShape", shape, known, shape);
        if (value.size() != 1 || value.shape().rank() != 1) {
            throw fail("ConstantOfShape", "value must be a 1-D tensor of one element, got " + value, shape);
        }
        return emit("ConstantOfShape", List.of(shape), Map.of("value", value.copy()), value.dtype(), Shape.of(known));
    }

    /**
     * ONNX Slice with run-time operands (1-D INT64; {@code axes} and {@code steps} may be null). Dimensions on
     * constant {@code axes} become symbolic, and all of them when the axes are computed at run time.
     */
    public Value slice(Value x, Value starts, Value ends, Value axes, Value steps) {
        long[] out = x.shape().dims();
        if (axes != null && axes.kind() == Value.Kind.CONSTANT) {
            for (long a : ImportedNode.longsOf(axes.data(), "axes")) {
                out[normAxis("Slice", a, x.rank(), x)] = Shape.DYNAMIC;
            }
        } else if (axes == null && starts.rank() == 1 && starts.shape().dim(0) != Shape.DYNAMIC) {
            for (int a = 0; a < starts.shape().dim(0); a++) {
                out[a] = Shape.DYNAMIC;
            }
        } else {
            Arrays.fill(out, Shape.DYNAMIC);
        }
        return emit("Slice", Arrays.asList(x, starts, ends, axes, steps), Map.of(), x.dtype(), Shape.of(out));
    }

    /** ONNX Range: {@code start, start + delta, ...} below {@code limit}, all three scalars of one dtype. */
    public Value range(Value start, Value limit, Value delta) {
        requireSameType("Range", start, limit);
        requireSameType("Range", start, delta);
        for (Value v : List.of(start, limit, delta)) {
            if (v.rank() != 0) {
                throw fail("Range", "start, limit and delta must be scalars", start, limit, delta);
            }
        }
        return emit("Range", List.of(start, limit, delta), Map.of(), start.dtype(), Shape.of(Shape.DYNAMIC));
    }

    private void requireShapeOperand(String op, Value shape, long[] known, Value x) {
        if (shape.dtype() != DType.INT64 || shape.rank() != 1
                || (shape.shape().dim(0) != Shape.DYNAMIC && shape.shape().dim(0) != known.length)) {
            throw fail(op, "shape operand must be 1-D INT64 with " + known.length + " known entries", x, shape);
        }
    }

    // ------------------------------------------------------------------ operator definitions

    /** Shape operators. Operands that moved from attributes to inputs are read per opset (see each import rule). */
    static final List<Operator> OPERATORS = List.of(
            Operator.define("Constant").imports((g, n) -> g.constant((HostTensor) n.attrs().get("value")))
                    .noGradient("no inputs"),
            Operator.define("Transpose").imports((g, n) -> g.transpose(n.in(0), n.attrLongs("perm", new long[0])))
                    .gradient(Gradients.unary((g, x, y, dy) -> {
                        long[] p = y.producer().attrLongs("perm");
                        long[] inv = new long[p.length];
                        for (int i = 0; i < p.length; i++) {
                            inv[(int) p[i]] = i;
                        }
                        return g.transpose(dy, inv);
                    })),
            Operator.define("Reshape").imports((g, n) -> g.reshape(n.in(0), n.in(1), n.knownInts(1, "shape")))
                    .checks(n -> n.attrLong("allowzero", 0) != 0 ? "Reshape with allowzero=1 is not supported" : null)
                    .gradient(Gradients.linear((g, x, y, dy) -> g.reshapeLike(dy, x))),
            Operator.define("Flatten").imports(ShapeOps::importFlatten).noGradient("imported as Reshape"),
            Operator.define("Unsqueeze").imports((g, n) -> g.unsqueeze(n.in(0), required(n.operandOrAttribute(1,
                            "axes", 13), "axes")))
                    .gradient(Gradients.linear((g, x, y, dy) -> g.reshapeLike(dy, x))),
            Operator.define("Squeeze").imports(ShapeOps::importSqueeze)
                    .gradient(Gradients.linear((g, x, y, dy) -> g.reshapeLike(dy, x))),
            Operator.define("Expand").imports((g, n) -> n.in(1).kind() == Value.Kind.CONSTANT
                            ? expandConstant(g, n.in(0), n.ints(1, "shape"))
                            : g.expand(n.in(0), n.in(1), n.knownInts(1, "shape")))
                    .gradient(Gradients.linear((g, x, y, dy) -> Gradients.unbroadcast(g, dy, x.shape()))),
            Operator.define("Concat").imports((g, n) -> g.concat((int) n.attrLong("axis", 0),
                            n.inputs().toArray(new Value[0])))
                    .gradient(ShapeOps::concatGradient),
            Operator.define("Slice").imports(ShapeOps::importSlice).gradient(ShapeOps::sliceGradient),
            Operator.define("Gather").imports((g, n) -> g.gather(n.in(0), n.in(1), (int) n.attrLong("axis", 0)))
                    .gradient(ShapeOps::gatherGradient),
            Operator.define("Pad").imports(ShapeOps::importPad)
                    .checks(n -> n.attrString("mode", "constant").equals("constant") ? null
                            : "Pad mode '" + n.attrString("mode", "") + "' is not supported (constant only)")
                    .gradient(Gradients.linear((g, x, y, dy) -> {
                        long[] pads = Gradients.longsOf(y.producer().input(1));
                        int rank = x.rank();
                        long[] starts = new long[rank];
                        long[] ends = new long[rank];
                        for (int i = 0; i < rank; i++) {
                            starts[i] = pads[i];
                            // counting the end from the back works for symbolic dimensions too
                            ends[i] = pads[i + rank] > 0 ? -pads[i + rank] : Long.MAX_VALUE;
                        }
                        return g.slice(dy, starts, ends, Gradients.range(0, rank), null);
                    })),
            Operator.define("Shape").imports(ShapeOps::importShape).noGradient("integer output"),
            Operator.define("ConstantOfShape").imports((g, n) -> g.constantOfShape(n.in(0),
                            n.attrs().get("value") instanceof HostTensor t ? t : HostTensor.of(new float[]{0}, 1),
                            n.knownInts(0, "shape")))
                    .noGradient("its output does not depend on float inputs"),
            Operator.define("Range").imports((g, n) -> g.range(n.in(0), n.in(1), n.in(2)))
                    .noGradient("its output does not depend on float inputs"));

    private static long[] required(long[] v, String what) {
        Operator.require(v != null, "no " + what + " given");
        return v;
    }

    private static Value importFlatten(Graph g, ImportedNode n) {
        Value x = n.in(0);
        int a = (int) n.attrLong("axis", 1);
        a = a < 0 ? a + x.rank() : a;
        long lead = x.shape().size(0, a);
        long tail = x.shape().size(a, x.rank());
        if (a == 1 && lead == Shape.DYNAMIC) {
            return g.reshape(x, 0, -1);
        }
        Operator.require(lead != Shape.DYNAMIC || tail != Shape.DYNAMIC,
                "Flatten at axis " + a + " of " + x + " has symbolic sizes on both sides");
        return g.reshape(x, lead == Shape.DYNAMIC ? -1 : lead, tail == Shape.DYNAMIC ? -1 : tail);
    }

    private static Value importSqueeze(Graph g, ImportedNode n) {
        Value x = n.in(0);
        long[] axes = n.operandOrAttribute(1, "axes", 13);
        if (axes == null) {
            List<Long> ones = new ArrayList<>();
            for (int i = 0; i < x.rank(); i++) {
                Operator.require(x.shape().dim(i) != Shape.DYNAMIC, "Squeeze without axes of " + x
                        + " depends on a symbolic dimension");
                if (x.shape().dim(i) == 1) {
                    ones.add((long) i);
                }
            }
            axes = ones.stream().mapToLong(Long::longValue).toArray();
        }
        return g.squeeze(x, axes);
    }

    /** Slice's bounds are attributes before opset 10 and inputs from 10; run-time bounds stay graph inputs. */
    private static Value importSlice(Graph g, ImportedNode n) {
        Value x = n.in(0);
        if (n.opset() < 10) {
            long[] starts = required(n.attrLongs("starts", null), "starts");
            long[] ends = required(n.attrLongs("ends", null), "ends");
            long[] axes = n.attrLongs("axes", Gradients.range(0, starts.length));
            return g.slice(x, starts, ends, axes, null);
        }
        boolean constant = true;
        for (int i = 1; i < n.inputs().size(); i++) {
            constant &= n.in(i) == null || n.in(i).kind() == Value.Kind.CONSTANT;
        }
        if (!constant) {
            return g.slice(x, n.in(1), n.in(2), n.in(3), n.in(4));
        }
        long[] starts = n.ints(1, "starts");
        long[] ends = n.ints(2, "ends");
        long[] axes = n.in(3) != null ? n.ints(3, "axes") : Gradients.range(0, starts.length);
        long[] steps = n.in(4) != null ? n.ints(4, "steps") : null;
        return g.slice(x, starts, ends, axes, steps);
    }

    /** Pad's pads and value are attributes before opset 11 and inputs from 11; zero padding only. */
    private static Value importPad(Graph g, ImportedNode n) {
        long[] pads;
        double value;
        if (n.opset() < 11) {
            pads = required(n.attrLongs("pads", null), "pads");
            value = n.attrDouble("value", 0);
        } else {
            pads = n.ints(1, "pads");
            value = n.in(2) != null ? n.scalar(2, "constant_value") : 0;
            Operator.require(n.in(3) == null, "Pad with an axes operand is not supported");
        }
        Operator.require(value == 0, "Pad with value " + value + " is not supported (zero padding only)");
        return g.pad(n.in(0), pads);
    }

    private static Value importShape(Graph g, ImportedNode n) {
        Value x = n.in(0);
        Value s = g.shape(x);
        long start = n.attrLong("start", 0);
        long end = n.attrLong("end", x.rank());
        if (start == 0 && (end == x.rank() || end >= Long.MAX_VALUE / 2)) {
            return s;
        }
        return g.slice(s, new long[]{start}, new long[]{end}, new long[]{0}, null);
    }

    private static Value expandConstant(Graph g, Value x, long[] shape) {
        int r = Math.max(x.rank(), shape.length);
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            int xi = i - (r - x.rank());
            int si = i - (r - shape.length);
            long a = xi >= 0 ? x.shape().dim(xi) : 1;
            long b = si >= 0 ? shape[si] : 1;
            out[i] = a == 1 ? b : a;
            Operator.require(a == 1 || b == 1 || a == b || a == Shape.DYNAMIC,
                    "cannot expand " + x + " to " + Shape.text(shape));
        }
        if (!Shape.of(out).isStatic()) {
            return g.expand(x, g.longs(shape), shape);
        }
        // the broadcast result as the shape operand: nothing of the output's size is allocated at import
        return g.expand(x, g.longs(out), out);
    }

    private static List<Value> concatGradient(Graph g, Node n, List<Value> gy, boolean[] need) {
        int axis = (int) n.attrLong("axis", 0);
        List<Value> out = new ArrayList<>();
        long offset = 0;
        for (int i = 0; i < n.inputs().size(); i++) {
            long len = n.input(i).shape().dim(axis);
            if (len == Shape.DYNAMIC) {
                throw new UnsupportedOperationException("Concat gradient needs static sizes along axis " + axis
                        + " (created at " + n.site() + ")");
            }
            out.add(need[i] ? g.slice(gy.get(0), new long[]{offset}, new long[]{offset + len},
                    new long[]{axis}, null) : null);
            offset += len;
        }
        return out;
    }

    private static List<Value> sliceGradient(Graph g, Node n, List<Value> gys, boolean[] need) {
        Value x = n.input(0);
        for (int i = 1; i < n.inputs().size(); i++) {
            if (n.input(i) != null && n.input(i).kind() != Value.Kind.CONSTANT) {
                throw new UnsupportedOperationException("Slice gradient needs constant bounds (node created at "
                        + n.site() + ")");
            }
        }
        long[] starts = Gradients.longsOf(n.input(1));
        long[] ends = Gradients.longsOf(n.input(2));
        long[] axes = Gradients.longsOf(n.input(3));
        long[] steps = Gradients.longsOf(n.input(4));
        long[] pads = new long[2 * x.rank()];
        for (int i = 0; i < axes.length; i++) {
            int a = (int) (axes[i] < 0 ? axes[i] + x.rank() : axes[i]);
            long d = x.shape().dim(a);
            if (steps[i] != 1 || d == Shape.DYNAMIC) {
                throw new UnsupportedOperationException("Slice gradient needs step 1 and a static dimension (node "
                        + "created at " + n.site() + ")");
            }
            long[] se = sliceRange(d, starts[i], ends[i], 1);
            long len = Math.max(0, se[1] - se[0]);
            pads[a] = se[0];
            pads[a + x.rank()] = d - se[0] - len;
        }
        List<Value> out = new ArrayList<>(Arrays.asList(g.pad(gys.get(0), pads), null, null, null, null));
        return out.subList(0, n.inputs().size());
    }

    /** Embedding gradient: scatter-add expressed as one-hot(indices)^T @ dY, which ONNX Runtime runs as a GEMM. */
    private static List<Value> gatherGradient(Graph g, Node n, List<Value> gys, boolean[] need) {
        Value data = n.input(0);
        Value idx = n.input(1);
        if (n.attrLong("axis", 0) != 0 || !data.shape().isStatic()) {
            throw new UnsupportedOperationException("Gather gradient supports axis 0 of a static tensor (node "
                    + "created at " + n.site() + ")");
        }
        long vocab = data.shape().dim(0);
        long rest = data.shape().size() / vocab;
        if (idx.dtype() != DType.INT64) {
            throw new UnsupportedOperationException("Gather gradient needs INT64 indices (node created at "
                    + n.site() + ")");
        }
        HostTensor ids = HostTensor.zeros(DType.INT64, Shape.of(vocab));
        for (int i = 0; i < vocab; i++) {
            ids.longs().put(i, i);
        }
        Value oneHot = g.cast(g.equal(g.unsqueeze(idx, -1), g.constant(ids)), data.dtype());
        Value flat = g.reshape(oneHot, -1, vocab);
        Value dy = g.reshape(gys.get(0), -1, rest);
        Value gd = g.matMul(g.transpose(flat, 1, 0), dy);
        return Operator.grads(g.reshape(gd, data.shape().dims()), null);
    }
}
