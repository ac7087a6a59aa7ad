package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reduction builders of {@link Graph} (ReduceSum, ReduceMean, ...), and their {@link Operator} definitions. */
abstract class ReductionOps extends ElementwiseOps {

    ReductionOps(long seed) {
        super(seed);
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

    Value reduce(String op, Value x, boolean keepDims, long[] axes) {
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
                    throw fail(op, "repeated axis in " + Shape.text(axes), x);
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

    // ------------------------------------------------------------------ operator definitions

    /**
     * Reductions. Their axes are an attribute up to opset 12 (ReduceSum) or 17 (the others) and an optional input
     * from then on; the builders emit opset 17's forms.
     */
    static final List<Operator> OPERATORS = List.of(
            Operator.define("ReduceSum").imports((g, n) -> importReduce(g, n, 13))
                    .gradient((g, n, gy, need) -> Operator.grads(g.expandLike(keep(g, n, gy.get(0)), n.input(0)),
                            null)),
            Operator.define("ReduceMean").imports((g, n) -> importReduce(g, n, 18))
                    .gradient(Gradients.unary((g, x, y, dy) -> {
                        Node n = y.producer();
                        // divide the small reduced tensor before expanding it: one pass less over the full gradient
                        return g.expandLike(g.div(keep(g, n, dy), count(g, x, axes(n))), x);
                    })),
            Operator.define("ReduceMax").imports((g, n) -> importReduce(g, n, 18))
                    .gradient(Gradients.unary((g, x, y, dy) -> {
                        Node n = y.producer();
                        Value mask = g.cast(g.equal(x, keep(g, n, y)), x.dtype());
                        // ties share the gradient equally, which keeps the rule a valid subgradient
                        Value share = g.div(mask, g.reduceSum(mask, true, axes(n)));
                        return g.mul(share, keep(g, n, dy));
                    })),
            Operator.define("ReduceProd").imports((g, n) -> importReduce(g, n, 18))
                    // d prod / d x_i = prod / x_i (inputs with zeros get no useful gradient; documented ONNX practice)
                    .gradient(Gradients.unary((g, x, y, dy) -> {
                        Node n = y.producer();
                        return g.div(g.mul(keep(g, n, dy), keep(g, n, y)), x);
                    })),
            Operator.define("ReduceLogSumExp").imports((g, n) -> importReduce(g, n, 18))
                    .gradient(Gradients.unary((g, x, y, dy) -> {
                        Node n = y.producer();
                        return g.mul(keep(g, n, dy), g.exp(g.sub(x, keep(g, n, y))));
                    })));

    private static Value importReduce(Graph g, ImportedNode n, long axesInputSince) {
        long[] axes = n.operandOrAttribute(1, "axes", axesInputSince);
        if (axes == null) {
            axes = new long[0];
        }
        boolean keep = n.attrLong("keepdims", 1) != 0;
        if (axes.length == 0 && n.attrLong("noop_with_empty_axes", 0) != 0) {
            return g.identity(n.in(0));
        }
        Value x = n.in(0);
        return switch (n.opType()) {
            case "ReduceMean" -> g.reduceMean(x, keep, axes);
            case "ReduceSum" -> g.reduceSum(x, keep, axes);
            case "ReduceMax" -> g.reduceMax(x, keep, axes);
            case "ReduceProd" -> g.reduceProd(x, keep, axes);
            default -> g.reduceLogSumExp(x, keep, axes);
        };
    }

    /** The (normalised, sorted) reduction axes of a Reduce* node built by {@link #reduce}. */
    static long[] axes(Node n) {
        return n.opType().equals("ReduceSum") ? Gradients.longsOf(n.input(1)) : n.attrLongs("axes");
    }

    /** {@code v} (a reduction result or its gradient) with the reduced axes restored as size-1 dims. */
    static Value keep(Graph g, Node n, Value v) {
        return n.attrLong("keepdims", 1) == 1 ? v : g.unsqueeze(v, axes(n));
    }

    /** The number of elements a reduction over {@code axes} of {@code x} combines, as a scalar of x's dtype. */
    static Value count(Graph g, Value x, long[] axes) {
        long n = 1;
        for (long a : axes) {
            long d = x.shape().dim((int) a);
            if (d == Shape.DYNAMIC) {
                // symbolic size: read it from the run-time shape
                Value dims = g.gather(g.shape(x), g.longs(axes), 0);
                return g.cast(g.reduceProd(dims, false), x.dtype());
            }
            n *= d;
        }
        return g.scalar(n, x.dtype());
    }
}
