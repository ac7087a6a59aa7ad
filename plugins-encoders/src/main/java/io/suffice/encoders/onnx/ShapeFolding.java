package io.suffice.encoders.onnx;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ImportedNode;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/**
 * Build-time evaluation of the integer "shape arithmetic" that exporters emit ({@code Shape -> Gather -> Unsqueeze
 * -> Concat -> Reshape}, {@code Slice} of a registered {@code position_ids} buffer, {@code Range},
 * {@code ConstantOfShape}, ...). Two levels:
 * <ul>
 * <li>folding: a node whose inputs are all constants (integer or boolean; any type for {@code ConstantOfShape}) is
 * computed here, for tensors of any rank, and becomes a constant;</li>
 * <li>partial knowledge: a 1-D integer value computed at run time (the shape of an input with a symbolic batch or
 * sequence dimension) keeps the elements known at build time, so {@code Gather} of a static dimension folds to a
 * constant and a run-time {@code Reshape} target still gives the graph builder the static sizes.</li>
 * </ul>
 * What cannot be folded is left to the graph, so one imported graph serves any batch size. Stateless.
 */
final class ShapeFolding {
    /** Operators evaluated here when all their inputs are constants. */
    static final Set<String> FOLDABLE = Set.of("Shape", "ConstantOfShape", "Gather", "Unsqueeze", "Squeeze",
            "Concat", "Slice", "Cast", "Add", "Sub", "Mul", "Div", "Equal", "Less", "Greater", "Where", "Identity",
            "Range", "Reshape", "Transpose", "Neg", "Not", "Min", "Max", "ReduceProd");

    private ShapeFolding() {
    }

    /** An integer tensor on the host: row-major elements and dimensions. */
    private record Ints(long[] v, long[] dims, DType dtype) {
        static Ints of(HostTensor t) {
            return new Ints(ImportedNode.longsOf(t, "folded"), t.shape().dims(), t.dtype());
        }

        int size() {
            return v.length;
        }

        HostTensor tensor() {
            HostTensor t = HostTensor.zeros(dtype, Shape.of(dims));
            for (int i = 0; i < v.length; i++) {
                switch (dtype) {
                    case INT64 -> t.longs().put(i, v[i]);
                    case INT32 -> t.buffer().asIntBuffer().put(i, (int) v[i]);
                    case BOOL -> t.buffer().put(i, (byte) (v[i] != 0 ? 1 : 0));
                    case FLOAT32 -> t.floats().put(i, v[i]);
                    case FLOAT64 -> t.doubles().put(i, v[i]);
                }
            }
            return t;
        }
    }

    /**
     * Folds node {@code n} to a constant, or returns null when it cannot be folded (the graph builds it instead).
     *
     * @param partial known elements of 1-D integer run-time values, updated by {@link #partial}
     */
    static Value tryFold(Graph g, ImportedNode n, Map<Value, long[]> partial) {
        String op = n.opType();
        if (!FOLDABLE.contains(op)) {
            return null;
        }
        if (op.equals("Shape")) {
            Value x = n.in(0);
            long[] d = shapeSlice(n, x.shape().dims());
            return Shape.of(d).isStatic() ? g.constant(HostTensor.of(d, d.length)) : null;
        }
        boolean allConstant = true;
        for (Value v : n.inputs()) {
            allConstant &= v == null || v.kind() == Value.Kind.CONSTANT;
        }
        if (!allConstant) {
            long[] known = partial(n, partial);
            if (known != null && Arrays.stream(known).noneMatch(k -> k == Shape.DYNAMIC)) {
                // every element is known at build time although an input is computed at run time
                return g.constant(outputRank(n) == 0 ? scalarTensor(known[0]) : HostTensor.of(known, known.length));
            }
            return null;
        }
        if (op.equals("ConstantOfShape")) {
            long[] shape = Ints.of(n.in(0).data()).v();
            HostTensor value = n.attrs().get("value") instanceof HostTensor t ? t : HostTensor.of(new float[]{0});
            if (value.size() != 1 || !small(shape)) {
                return null; // the graph builder checks it and, unlike a fold, allocates nothing at import
            }
            HostTensor out = HostTensor.zeros(value.dtype(), Shape.of(shape));
            int bytes = value.dtype().bytes();
            for (int i = 0; i < out.size(); i++) {
                for (int b = 0; b < bytes; b++) {
                    out.buffer().put(i * bytes + b, value.buffer().get(b));
                }
            }
            return g.constant(out);
        }
        int xi = op.equals("Where") ? 1 : 0;
        DType t = n.in(xi).dtype();
        if (t != DType.INT64 && t != DType.INT32 && t != DType.BOOL) {
            return null;
        }
        Ints x = Ints.of(n.in(0).data());
        Ints r = switch (op) {
            case "Identity" -> x;
            case "Gather" -> gather(x, Ints.of(n.in(1).data()), n.attrLong("axis", 0));
            case "Unsqueeze" -> unsqueeze(x, n.operandOrAttribute(1, "axes", 13));
            case "Squeeze" -> squeeze(x, n.operandOrAttribute(1, "axes", 13));
            case "Concat" -> concat(n);
            case "Slice" -> slice(x, n);
            case "Cast" -> cast(x, n.attrLong("to", 7));
            case "Reshape" -> reshape(x, Ints.of(n.in(1).data()).v());
            case "Transpose" -> transpose(x, n.attrLongs("perm", null));
            case "Range" -> range(x.v()[0], Ints.of(n.in(1).data()).v()[0], Ints.of(n.in(2).data()).v()[0], x.dtype());
            case "Neg" -> new Ints(Arrays.stream(x.v()).map(v -> -v).toArray(), x.dims(), x.dtype());
            case "Not" -> new Ints(Arrays.stream(x.v()).map(v -> v != 0 ? 0 : 1).toArray(), x.dims(), x.dtype());
            case "ReduceProd" -> x.dims().length == 1 && n.attrLong("keepdims", 1) == 0
                    ? new Ints(new long[]{Arrays.stream(x.v()).reduce(1, (a, b) -> a * b)}, new long[0], x.dtype())
                    : null;
            case "Where" -> where(x, Ints.of(n.in(1).data()), Ints.of(n.in(2).data()));
            default -> binary(op, x, Ints.of(n.in(1).data()));
        };
        return r == null ? null : g.constant(r.tensor());
    }

    /** The rank of the output of a node {@link #partial} describes (0 or 1). */
    private static int outputRank(ImportedNode n) {
        return switch (n.opType()) {
            case "Gather" -> n.in(1).rank();
            case "Unsqueeze", "Concat", "Shape" -> 1;
            case "Squeeze" -> 0;
            case "Add", "Sub", "Mul", "Div" -> Math.max(n.in(0).rank(), n.in(1).rank());
            default -> n.in(0).rank();
        };
    }

    private static HostTensor scalarTensor(long v) {
        HostTensor t = HostTensor.zeros(DType.INT64, Shape.scalar());
        t.longs().put(0, v);
        return t;
    }

    /**
     * What is known at build time of the elements of node {@code n}'s output when it is a 0-D or 1-D integer
     * value computed at run time: an array with {@link Shape#DYNAMIC} for unknown elements, or null.
     */
    static long[] partial(ImportedNode n, Map<Value, long[]> partial) {
        String op = n.opType();
        switch (op) {
            case "Shape" -> {
                return shapeSlice(n, n.in(0).shape().dims());
            }
            case "Gather" -> {
                long[] d = known(n.in(0), partial);
                Value idx = n.in(1);
                if (d == null || idx.kind() != Value.Kind.CONSTANT || idx.rank() > 1 || n.in(0).rank() != 1) {
                    return null;
                }
                long[] ix = Ints.of(idx.data()).v();
                long[] out = new long[ix.length];
                for (int i = 0; i < ix.length; i++) {
                    out[i] = d[(int) (ix[i] < 0 ? ix[i] + d.length : ix[i])];
                }
                return out;
            }
            case "Unsqueeze", "Squeeze", "Identity", "Cast" -> {
                return n.in(0).rank() <= 1 ? known(n.in(0), partial) : null;
            }
            case "Concat" -> {
                long[] all = new long[0];
                for (Value v : n.inputs()) {
                    long[] k = v.rank() == 1 ? known(v, partial) : null;
                    if (k == null) {
                        return null;
                    }
                    long[] joined = Arrays.copyOf(all, all.length + k.length);
                    System.arraycopy(k, 0, joined, all.length, k.length);
                    all = joined;
                }
                return all;
            }
            case "Add", "Sub", "Mul", "Div" -> {
                long[] a = known(n.in(0), partial);
                long[] b = known(n.in(1), partial);
                if (a == null || b == null || (a.length != b.length && a.length != 1 && b.length != 1)) {
                    return null;
                }
                long[] out = new long[Math.max(a.length, b.length)];
                for (int i = 0; i < out.length; i++) {
                    long u = a[a.length == 1 ? 0 : i];
                    long v = b[b.length == 1 ? 0 : i];
                    out[i] = u == Shape.DYNAMIC || v == Shape.DYNAMIC ? Shape.DYNAMIC : arith(op, u, v);
                }
                return out;
            }
            default -> {
                return null;
            }
        }
    }

    /** Known elements of a 0-D or 1-D integer value: its data when constant, else what {@code partial} holds. */
    private static long[] known(Value v, Map<Value, long[]> partial) {
        if (v == null || v.rank() > 1) {
            return null;
        }
        if (v.kind() == Value.Kind.CONSTANT) {
            DType t = v.dtype();
            return t == DType.INT64 || t == DType.INT32 ? Ints.of(v.data()).v() : null;
        }
        return partial.get(v);
    }

    private static long[] shapeSlice(ImportedNode n, long[] d) {
        long start = n.attrLong("start", 0);
        long end = n.attrLong("end", d.length);
        long[] r = Graph.sliceRange(d.length, start, end, 1);
        return Arrays.copyOfRange(d, (int) r[0], (int) Math.max(r[0], r[1]));
    }

    private static long arith(String op, long u, long v) {
        return switch (op) {
            case "Add" -> u + v;
            case "Sub" -> u - v;
            case "Mul" -> u * v;
            case "Div" -> {
                if (v == 0) { // a file's shape arithmetic dividing by a constant 0 (fuzzing found one)
                    throw new IllegalArgumentException("folding Div of integer constants divides " + u + " by 0");
                }
                yield Math.floorDiv(u, v);
            }
            case "Min" -> Math.min(u, v);
            case "Max" -> Math.max(u, v);
            case "Equal" -> u == v ? 1 : 0;
            case "Less" -> u < v ? 1 : 0;
            case "Greater" -> u > v ? 1 : 0;
            default -> throw new IllegalStateException(op);
        };
    }

    private static long[] strides(long[] dims) {
        long[] s = new long[dims.length];
        long acc = 1;
        for (int i = dims.length - 1; i >= 0; i--) {
            s[i] = acc;
            acc *= dims[i];
        }
        return s;
    }

    private static long prod(long[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }

    private static int axis(long a, int rank) {
        if (a < -rank || a >= rank) {
            throw new IllegalArgumentException("axis " + a + " out of range for rank " + rank);
        }
        return (int) (a < 0 ? a + rank : a);
    }

    private static Ints gather(Ints data, Ints idx, long ax) {
        int a = axis(ax, data.dims().length);
        long outer = prod(data.dims(), 0, a);
        long inner = prod(data.dims(), a + 1, data.dims().length);
        long n = data.dims()[a];
        long[] out = new long[(int) (outer * idx.size() * inner)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (long i : idx.v()) {
                long j = i < 0 ? i + n : i;
                for (long in = 0; in < inner; in++) {
                    out[k++] = data.v()[(int) ((o * n + j) * inner + in)];
                }
            }
        }
        long[] dims = new long[data.dims().length - 1 + idx.dims().length];
        System.arraycopy(data.dims(), 0, dims, 0, a);
        System.arraycopy(idx.dims(), 0, dims, a, idx.dims().length);
        System.arraycopy(data.dims(), a + 1, dims, a + idx.dims().length, data.dims().length - a - 1);
        return new Ints(out, dims, data.dtype());
    }

    private static Ints unsqueeze(Ints x, long[] axes) {
        int r = x.dims().length + axes.length;
        boolean[] ins = new boolean[r];
        for (long a : axes) {
            ins[axis(a, r)] = true;
        }
        long[] dims = new long[r];
        for (int i = 0, j = 0; i < r; i++) {
            dims[i] = ins[i] ? 1 : x.dims()[j++];
        }
        return new Ints(x.v(), dims, x.dtype());
    }

    private static Ints squeeze(Ints x, long[] axes) {
        int r = x.dims().length;
        boolean[] del = new boolean[r];
        if (axes == null) {
            for (int i = 0; i < r; i++) {
                del[i] = x.dims()[i] == 1;
            }
        } else {
            for (long a : axes) {
                del[axis(a, r)] = true;
            }
        }
        return new Ints(x.v(), java.util.stream.IntStream.range(0, r).filter(i -> !del[i])
                .mapToLong(i -> x.dims()[i]).toArray(), x.dtype());
    }

    private static Ints reshape(Ints x, long[] target) {
        long[] dims = target.clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] == 0) {
                dims[i] = x.dims()[i];
            }
            if (dims[i] == -1) {
                infer = i;
            } else {
                known *= dims[i];
            }
        }
        if (infer >= 0) {
            dims[infer] = x.size() / Math.max(1, known);
        }
        return new Ints(x.v(), dims, x.dtype());
    }

    /** Steps the row-major multi-index {@code idx} within {@code dims} to the next element. */
    private static void advance(long[] idx, long[] dims) {
        for (int i = idx.length - 1; i >= 0; i--) {
            if (++idx[i] < dims[i]) {
                return;
            }
            idx[i] = 0;
        }
    }

    private static Ints transpose(Ints x, long[] perm) {
        int r = x.dims().length;
        long[] p = perm;
        if (p == null) {
            p = new long[r];
            for (int i = 0; i < r; i++) {
                p[i] = r - 1 - i;
            }
        }
        long[] dims = new long[r];
        for (int i = 0; i < r; i++) {
            dims[i] = x.dims()[(int) p[i]];
        }
        long[] in = strides(x.dims());
        long[] out = new long[x.size()];
        long[] idx = new long[r];
        for (int k = 0; k < out.length; k++) {
            long off = 0;
            for (int i = 0; i < r; i++) {
                off += idx[i] * in[(int) p[i]];
            }
            out[k] = x.v()[(int) off];
            advance(idx, dims);
        }
        return new Ints(out, dims, x.dtype());
    }

    private static Ints concat(ImportedNode n) {
        Ints first = Ints.of(n.in(0).data());
        int r = first.dims().length;
        int a = axis(n.attrLong("axis", 0), r);
        long outer = prod(first.dims(), 0, a);
        long[] dims = first.dims().clone();
        dims[a] = 0;
        Ints[] parts = new Ints[n.inputs().size()];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = Ints.of(n.in(i).data());
            dims[a] += parts[i].dims()[a];
        }
        long[] out = new long[(int) prod(dims, 0, r)];
        int k = 0;
        for (long o = 0; o < outer; o++) {
            for (Ints p : parts) {
                long block = prod(p.dims(), a, r);
                System.arraycopy(p.v(), (int) (o * block), out, k, (int) block);
                k += block;
            }
        }
        return new Ints(out, dims, first.dtype());
    }

    /** Slice of any rank with axes and steps; bounds from attributes before opset 10. */
    private static Ints slice(Ints x, ImportedNode n) {
        int r = x.dims().length;
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (n.opset() < 10) {
            starts = n.attrLongs("starts", new long[0]);
            ends = n.attrLongs("ends", new long[0]);
            axes = n.attrLongs("axes", null);
        } else {
            starts = n.ints(1, "starts");
            ends = n.ints(2, "ends");
            axes = n.in(3) != null ? n.ints(3, "axes") : null;
            steps = n.in(4) != null ? n.ints(4, "steps") : null;
        }
        long[] first = new long[r];
        long[] step = new long[r];
        long[] dims = x.dims().clone();
        Arrays.fill(step, 1);
        for (int i = 0; i < starts.length; i++) {
            int a = axis(axes == null ? i : axes[i], r);
            long st = steps == null ? 1 : steps[i];
            if (st == 0) {
                throw new IllegalArgumentException("Slice step 0");
            }
            long[] se = Graph.sliceRange(x.dims()[a], starts[i], ends[i], st);
            first[a] = se[0];
            step[a] = st;
            dims[a] = st > 0 ? Math.max(0, (se[1] - se[0] + st - 1) / st) : Math.max(0, (se[0] - se[1] - st - 1) / -st);
        }
        long[] in = strides(x.dims());
        long[] out = new long[(int) prod(dims, 0, r)];
        long[] idx = new long[r];
        for (int k = 0; k < out.length; k++) {
            long off = 0;
            for (int i = 0; i < r; i++) {
                off += (first[i] + idx[i] * step[i]) * in[i];
            }
            out[k] = x.v()[(int) off];
            advance(idx, dims);
        }
        return new Ints(out, dims, x.dtype());
    }

    private static Ints cast(Ints x, long to) {
        DType t = OnnxModelInspector.dtype((int) to);
        if (t == null) {
            throw new IllegalArgumentException("Cast to ONNX element type " + to + " is not supported");
        }
        return new Ints(x.v(), x.dims(), t);
    }

    private static Ints range(long start, long limit, long delta, DType t) {
        if (delta == 0) {
            throw new IllegalArgumentException("Range with delta 0");
        }
        long count;
        try {
            count = Math.max(0, Math.addExact(Math.subtractExact(limit, start), delta + (delta > 0 ? -1 : 1)) / delta);
        } catch (ArithmeticException e) {
            return null; // longer than any shape computation: the graph builds it
        }
        if (count > MAX_FOLDED) {
            return null;
        }
        int n = (int) count;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = start + i * delta;
        }
        return new Ints(out, new long[]{n}, t);
    }

    /**
     * Most elements a fold makes: shape arithmetic is a few numbers; a larger ConstantOfShape or Range (sizes a file
     * can set to anything) is left to the graph, which allocates nothing at import.
     */
    static final int MAX_FOLDED = 1 << 16;

    /** Whether {@code shape} has no negative dimension and at most {@link #MAX_FOLDED} elements. */
    private static boolean small(long[] shape) {
        long size = 1;
        for (long d : shape) {
            if (d < 0 || d > MAX_FOLDED) {
                return false;
            }
            size *= d; // both at most 2^16: no overflow
            if (size > MAX_FOLDED) {
                return false;
            }
        }
        return true;
    }

    /** numpy broadcasting of two integer tensors. */
    private static long[][] broadcastIndex(long[]... shapes) {
        int r = 0;
        for (long[] s : shapes) {
            r = Math.max(r, s.length);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long d = 1;
            for (long[] s : shapes) {
                int j = i - (r - s.length);
                long v = j >= 0 ? s[j] : 1;
                if (v != 1) {
                    if (d != 1 && d != v) {
                        throw new IllegalArgumentException("folding: shapes " + Arrays.toString(shapes[0]) + " and "
                                + Arrays.toString(shapes[1]) + " do not broadcast");
                    }
                    d = v;
                }
            }
            out[i] = d;
        }
        int total = (int) prod(out, 0, r);
        long[][] idx = new long[shapes.length + 1][total];
        idx[shapes.length] = out;
        long[] pos = new long[r];
        for (int k = 0; k < total; k++) {
            for (int s = 0; s < shapes.length; s++) {
                long[] st = strides(shapes[s]);
                long off = 0;
                for (int i = 0; i < shapes[s].length; i++) {
                    int j = i + (r - shapes[s].length);
                    off += (shapes[s][i] == 1 ? 0 : pos[j]) * st[i];
                }
                idx[s][k] = off;
            }
            for (int i = r - 1; i >= 0; i--) {
                if (++pos[i] < out[i]) {
                    break;
                }
                pos[i] = 0;
            }
        }
        return idx;
    }

    private static Ints binary(String op, Ints a, Ints b) {
        long[][] ix = broadcastIndex(a.dims(), b.dims());
        long[] out = new long[ix[0].length];
        for (int k = 0; k < out.length; k++) {
            out[k] = arith(op, a.v()[(int) ix[0][k]], b.v()[(int) ix[1][k]]);
        }
        boolean cmp = op.equals("Equal") || op.equals("Less") || op.equals("Greater");
        return new Ints(out, ix[2], cmp ? DType.BOOL : a.dtype());
    }

    private static Ints where(Ints c, Ints a, Ints b) {
        long[][] ix = broadcastIndex(c.dims(), a.dims(), b.dims());
        long[] out = new long[ix[0].length];
        for (int k = 0; k < out.length; k++) {
            out[k] = c.v()[(int) ix[0][k]] != 0 ? a.v()[(int) ix[1][k]] : b.v()[(int) ix[2][k]];
        }
        return new Ints(out, ix[3], a.dtype());
    }
}
