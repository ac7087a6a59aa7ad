package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Constant folding of the integer "shape arithmetic" that exporters emit ({@code Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape}, {@code ConstantOfShape}, ...), so that {@link OnnxImporter} can hand the graph builder
 * constant reshape targets. {@code Shape} folds only when its input's shape is static, so models that compute shapes
 * at run time import when their inputs are given static shapes (a fixed batch size). Integer and boolean tensors
 * only (plus {@code ConstantOfShape} of any type); float arithmetic is left to the graph. Stateless.
 */
final class ShapeFolding {
    /** Operators folded when all their inputs are constants of integer or boolean type. */
    static final Set<String> FOLDABLE = Set.of("Shape", "ConstantOfShape", "Gather", "Unsqueeze", "Squeeze",
            "Concat", "Slice", "Cast", "Add", "Sub", "Mul", "Div", "Equal", "Where", "Identity");

    private ShapeFolding() {
    }

    /** Folds {@code n} to a constant, or returns null when it is not foldable (the graph builds it instead). */
    static Value tryFold(Graph g, OnnxMl.NodeProto n, List<Value> in) {
        String op = n.getOpType();
        if (!FOLDABLE.contains(op)) {
            return null;
        }
        if (op.equals("Shape")) {
            Value x = in.get(0);
            if (!x.shape().isStatic()) {
                throw new IllegalArgumentException("Shape of " + x + " has a symbolic dimension; models that compute "
                        + "shapes at run time import only with static input shapes (feed inputs of a fixed batch "
                        + "size)");
            }
            long[] d = x.shape().dims();
            long start = attr(n, "start", 0);
            long end = attr(n, "end", d.length);
            long[] r = Graph.sliceRange(d.length, start, end, 1);
            long[] out = new long[(int) Math.max(0, r[1] - r[0])];
            System.arraycopy(d, (int) r[0], out, 0, out.length);
            return g.constant(HostTensor.of(out, out.length));
        }
        for (Value v : in) {
            if (v != null && v.kind() != Value.Kind.CONSTANT) {
                return null;
            }
        }
        if (op.equals("ConstantOfShape")) {
            long[] shape = longs(in.get(0).data());
            HostTensor value = null;
            for (OnnxMl.AttributeProto a : n.getAttributeList()) {
                if (a.getName().equals("value")) {
                    value = OnnxImporter.tensor(a.getT(), "ConstantOfShape node '" + n.getName() + "'");
                }
            }
            DType dt = value == null ? DType.FLOAT32 : value.dtype();
            double v = value == null ? 0 : value.dtype() == DType.FLOAT32 || value.dtype() == DType.FLOAT64
                    ? value.toDoubleArray()[0] : longs(value)[0];
            return g.constant(filled(dt, Shape.of(shape), v));
        }
        HostTensor x = in.get(0).data();
        int xi = op.equals("Where") ? 1 : 0;
        DType t = in.get(xi).dtype();
        if (t != DType.INT64 && t != DType.INT32 && t != DType.BOOL) {
            return null;
        }
        return g.constant(switch (op) {
            case "Identity" -> x;
            case "Gather" -> gather(x, in.get(1).data(), attr(n, "axis", 0));
            case "Unsqueeze", "Squeeze" -> reshaped(x, op, in.size() > 1 && in.get(1) != null
                    ? longs(in.get(1).data()) : attrs(n, "axes"));
            case "Concat" -> concat(in);
            case "Slice" -> slice(x, in);
            case "Cast" -> cast(x, OnnxModelInspector.dtype((int) attr(n, "to", 7)));
            case "Add", "Sub", "Mul", "Div", "Equal" -> binary(op, x, in.get(1).data());
            case "Where" -> where(x, in.get(1).data(), in.get(2).data());
            default -> throw new IllegalStateException(op);
        });
    }

    private static long attr(OnnxMl.NodeProto n, String name, long dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static long[] attrs(OnnxMl.NodeProto n, String name) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return new long[0];
    }

    /** Elements of an integer or boolean tensor as longs. */
    static long[] longs(HostTensor t) {
        long[] a = new long[t.size()];
        switch (t.dtype()) {
            case INT64 -> t.longs().get(a);
            case INT32 -> {
                var b = t.buffer().asIntBuffer();
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get(i);
                }
            }
            case BOOL -> {
                var b = t.buffer();
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get(i);
                }
            }
            default -> throw new IllegalArgumentException("expected an integer tensor, got " + t);
        }
        return a;
    }

    private static HostTensor ofLongs(DType dt, Shape shape, long[] v) {
        HostTensor t = HostTensor.zeros(dt, shape);
        for (int i = 0; i < v.length; i++) {
            switch (dt) {
                case INT64 -> t.longs().put(i, v[i]);
                case INT32 -> t.buffer().asIntBuffer().put(i, (int) v[i]);
                case BOOL -> t.buffer().put(i, (byte) (v[i] != 0 ? 1 : 0));
                case FLOAT32 -> t.floats().put(i, v[i]);
                case FLOAT64 -> t.doubles().put(i, v[i]);
            }
        }
        return t;
    }

    private static HostTensor filled(DType dt, Shape shape, double v) {
        HostTensor t = HostTensor.zeros(dt, shape);
        for (int i = 0; i < t.size(); i++) {
            switch (dt) {
                case INT64 -> t.longs().put(i, (long) v);
                case INT32 -> t.buffer().asIntBuffer().put(i, (int) v);
                case BOOL -> t.buffer().put(i, (byte) (v != 0 ? 1 : 0));
                case FLOAT32 -> t.floats().put(i, (float) v);
                case FLOAT64 -> t.doubles().put(i, v);
            }
        }
        return t;
    }

    private static HostTensor gather(HostTensor data, HostTensor idx, long axis) {
        if (data.shape().rank() != 1 || axis != 0) {
            throw new IllegalArgumentException("folding Gather supports 1-D data on axis 0, got " + data);
        }
        long[] d = longs(data);
        long[] ix = longs(idx);
        long[] out = new long[ix.length];
        for (int i = 0; i < ix.length; i++) {
            out[i] = d[(int) (ix[i] < 0 ? ix[i] + d.length : ix[i])];
        }
        return ofLongs(data.dtype(), idx.shape(), out);
    }

    private static HostTensor reshaped(HostTensor x, String op, long[] axes) {
        List<Long> dims = new ArrayList<>();
        for (long d : x.shape().dims()) {
            dims.add(d);
        }
        if (op.equals("Unsqueeze")) {
            int r = dims.size() + axes.length;
            long[] norm = axes.clone();
            for (int i = 0; i < norm.length; i++) {
                norm[i] = norm[i] < 0 ? norm[i] + r : norm[i];
            }
            java.util.Arrays.sort(norm);
            for (long a : norm) {
                dims.add((int) a, 1L);
            }
        } else {
            int r = dims.size();
            List<Integer> del = new ArrayList<>();
            for (long a : axes) {
                del.add((int) (a < 0 ? a + r : a));
            }
            List<Long> kept = new ArrayList<>();
            for (int i = 0; i < r; i++) {
                if (axes.length == 0 ? dims.get(i) != 1 : !del.contains(i)) {
                    kept.add(dims.get(i));
                }
            }
            dims = kept;
        }
        return ofLongs(x.dtype(), Shape.of(dims.stream().mapToLong(Long::longValue).toArray()), longs(x));
    }

    private static HostTensor concat(List<Value> in) {
        List<Long> all = new ArrayList<>();
        for (Value v : in) {
            if (v.rank() > 1) {
                throw new IllegalArgumentException("folding Concat supports 1-D tensors, got " + v);
            }
            for (long l : longs(v.data())) {
                all.add(l);
            }
        }
        return ofLongs(in.get(0).dtype(), Shape.of(all.size()), all.stream().mapToLong(Long::longValue).toArray());
    }

    private static HostTensor slice(HostTensor x, List<Value> in) {
        if (x.shape().rank() != 1) {
            throw new IllegalArgumentException("folding Slice supports 1-D data, got " + x);
        }
        long[] d = longs(x);
        long start = longs(in.get(1).data())[0];
        long end = longs(in.get(2).data())[0];
        long step = in.size() > 4 && in.get(4) != null ? longs(in.get(4).data())[0] : 1;
        long[] r = Graph.sliceRange(d.length, start, end, step);
        List<Long> out = new ArrayList<>();
        for (long i = r[0]; step > 0 ? i < r[1] : i > r[1]; i += step) {
            out.add(d[(int) i]);
        }
        return ofLongs(x.dtype(), Shape.of(out.size()), out.stream().mapToLong(Long::longValue).toArray());
    }

    private static HostTensor cast(HostTensor x, DType to) {
        if (to == null) {
            throw new IllegalArgumentException("Cast to an unsupported element type");
        }
        return ofLongs(to, x.shape(), longs(x));
    }

    private static HostTensor binary(String op, HostTensor a, HostTensor b) {
        long[] x = longs(a);
        long[] y = longs(b);
        if (x.length != y.length && x.length != 1 && y.length != 1) {
            throw new IllegalArgumentException("folding " + op + " supports equal shapes or scalars, got " + a
                    + " and " + b);
        }
        HostTensor shapeOf = x.length >= y.length ? a : b;
        long[] out = new long[Math.max(x.length, y.length)];
        for (int i = 0; i < out.length; i++) {
            long u = x[x.length == 1 ? 0 : i];
            long v = y[y.length == 1 ? 0 : i];
            out[i] = switch (op) {
                case "Add" -> u + v;
                case "Sub" -> u - v;
                case "Mul" -> u * v;
                case "Div" -> {
                    if (v == 0) {
                        throw new IllegalArgumentException("folding Div of integer constants " + a + " / " + b
                                + " divides by 0");
                    }
                    yield u / v;
                }
                default -> u == v ? 1 : 0;
            };
        }
        return ofLongs(op.equals("Equal") ? DType.BOOL : a.dtype(), shapeOf.shape(), out);
    }

    private static HostTensor where(HostTensor c, HostTensor a, HostTensor b) {
        long[] cond = longs(c);
        long[] x = longs(a);
        long[] y = longs(b);
        int n = Math.max(cond.length, Math.max(x.length, y.length));
        HostTensor shapeOf = cond.length == n ? c : x.length == n ? a : b;
        long[] out = new long[n];
        for (int i = 0; i < n; i++) {
            out[i] = cond[cond.length == 1 ? 0 : i] != 0 ? x[x.length == 1 ? 0 : i] : y[y.length == 1 ? 0 : i];
        }
        return ofLongs(a.dtype(), shapeOf.shape(), out);
    }
}
