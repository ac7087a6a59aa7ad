package io.suffice.runtime.engine;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Node;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.suffice.runtime.engine.Autodiff.unbroadcast;

/**
 * Gradient rules by ONNX operator type. {@link #standard()} holds a rule for every operator the {@link Graph}
 * builder emits that has a meaningful derivative; custom operators add theirs with {@link #register}. An instance
 * (never a global) is handed to {@link Autodiff}. Thread-safe.
 */
public final class GradientRegistry {
    private final Map<String, GradientRule> rules = new ConcurrentHashMap<>();

    /** An empty registry. */
    public GradientRegistry() {
    }

    /** The rule for {@code opType}, or null. */
    public GradientRule rule(String opType) {
        return rules.get(opType);
    }

    /** Adds or replaces the rule of {@code opType}; returns this for chaining. */
    public GradientRegistry register(String opType, GradientRule rule) {
        rules.put(opType, rule);
        return this;
    }

    /** A registry with the built-in rules. */
    public static GradientRegistry standard() {
        GradientRegistry r = new GradientRegistry();
        r.register("Add", (g, n, gy, need) -> Arrays.asList(
                unb(g, gy.get(0), n.input(0), need[0]), unb(g, gy.get(0), n.input(1), need[1])));
        r.register("Sub", (g, n, gy, need) -> Arrays.asList(
                unb(g, gy.get(0), n.input(0), need[0]), unb(g, need[1] ? g.neg(gy.get(0)) : null, n.input(1), need[1])));
        r.register("Mul", (g, n, gy, need) -> {
            Value dy = gy.get(0);
            return Arrays.asList(
                    unb(g, need[0] ? g.mul(dy, n.input(1)) : null, n.input(0), need[0]),
                    unb(g, need[1] ? g.mul(dy, n.input(0)) : null, n.input(1), need[1]));
        });
        r.register("Div", (g, n, gy, need) -> {
            Value dy = gy.get(0);
            Value b = n.input(1);
            return Arrays.asList(
                    unb(g, need[0] ? g.div(dy, b) : null, n.input(0), need[0]),
                    // d(a/b)/db = -(a/b)/b = -y/b
                    unb(g, need[1] ? g.neg(g.div(g.mul(dy, n.output()), b)) : null, b, need[1]));
        });
        r.register("Pow", (g, n, gy, need) -> {
            Value dy = gy.get(0);
            Value a = n.input(0);
            Value b = n.input(1);
            Value ga = need[0] ? g.mul(g.mul(dy, b), g.pow(a, g.sub(b, one(g, b)))) : null;
            Value gb = need[1] ? g.mul(g.mul(dy, n.output()), g.log(a)) : null;
            return Arrays.asList(unb(g, ga, a, need[0]), unb(g, gb, b, need[1]));
        });
        r.register("Max", (g, n, gy, need) -> minMax(g, n, gy.get(0), need, true));
        r.register("Min", (g, n, gy, need) -> minMax(g, n, gy.get(0), need, false));
        r.register("Neg", (g, n, gy, need) -> Arrays.asList(g.neg(gy.get(0))));
        r.register("Identity", (g, n, gy, need) -> Arrays.asList(gy.get(0)));
        r.register("Exp", (g, n, gy, need) -> Arrays.asList(g.mul(gy.get(0), n.output())));
        r.register("Log", (g, n, gy, need) -> Arrays.asList(g.div(gy.get(0), n.input(0))));
        r.register("Sqrt", (g, n, gy, need) -> Arrays.asList(g.div(gy.get(0), g.mul(n.output(), c(g, 2, n.output())))));
        r.register("Tanh", (g, n, gy, need) -> {
            Value y = n.output();
            return Arrays.asList(g.mul(gy.get(0), g.sub(one(g, y), g.mul(y, y))));
        });
        r.register("Sigmoid", (g, n, gy, need) -> {
            Value y = n.output();
            return Arrays.asList(g.mul(gy.get(0), g.mul(y, g.sub(one(g, y), y))));
        });
        r.register("Relu", (g, n, gy, need) -> {
            Value x = n.input(0);
            return Arrays.asList(g.where(g.greater(x, c(g, 0, x)), gy.get(0), c(g, 0, x)));
        });
        r.register("LeakyRelu", (g, n, gy, need) -> {
            Value x = n.input(0);
            Value dy = gy.get(0);
            return Arrays.asList(g.where(g.greater(x, c(g, 0, x)), dy, g.mul(dy, c(g, n.attrDouble("alpha", 0.01), x))));
        });
        r.register("Softplus", (g, n, gy, need) -> Arrays.asList(g.mul(gy.get(0), g.sigmoid(n.input(0)))));
        r.register("Erf", (g, n, gy, need) -> {
            Value x = n.input(0);
            Value e = g.exp(g.neg(g.mul(x, x)));
            return Arrays.asList(g.mul(gy.get(0), g.mul(e, c(g, 2 / Math.sqrt(Math.PI), x))));
        });
        r.register("Abs", (g, n, gy, need) -> Arrays.asList(g.mul(gy.get(0), g.sign(n.input(0)))));
        r.register("Clip", (g, n, gy, need) -> {
            Value x = n.input(0);
            Value mask = null;
            if (n.inputs().size() > 1 && n.input(1) != null) {
                mask = g.greaterOrEqual(x, n.input(1));
            }
            if (n.inputs().size() > 2 && n.input(2) != null) {
                Value hi = g.lessOrEqual(x, n.input(2));
                mask = mask == null ? hi : g.and(mask, hi);
            }
            Value gx = mask == null ? gy.get(0) : g.where(mask, gy.get(0), c(g, 0, x));
            return Arrays.asList(gx, null, null);
        });
        r.register("Where", (g, n, gy, need) -> {
            Value cond = n.input(0);
            Value dy = gy.get(0);
            Value zero = c(g, 0, dy);
            return Arrays.asList(null,
                    unb(g, need[1] ? g.where(cond, dy, zero) : null, n.input(1), need[1]),
                    unb(g, need[2] ? g.where(cond, zero, dy) : null, n.input(2), need[2]));
        });
        r.register("Cast", (g, n, gy, need) -> Arrays.asList(g.cast(gy.get(0), n.input(0).dtype())));
        r.register("Expand", (g, n, gy, need) -> Arrays.asList(unb(g, gy.get(0), n.input(0), true), null));
        r.register("Reshape", (g, n, gy, need) -> Arrays.asList(g.reshapeLike(gy.get(0), n.input(0)), null));
        r.register("Squeeze", (g, n, gy, need) -> Arrays.asList(g.reshapeLike(gy.get(0), n.input(0)), null));
        r.register("Unsqueeze", (g, n, gy, need) -> Arrays.asList(g.reshapeLike(gy.get(0), n.input(0)), null));
        r.register("Transpose", (g, n, gy, need) -> {
            long[] p = n.attrLongs("perm");
            long[] inv = new long[p.length];
            for (int i = 0; i < p.length; i++) {
                inv[(int) p[i]] = i;
            }
            return Arrays.asList(g.transpose(gy.get(0), inv));
        });
        r.register("Softmax", (g, n, gy, need) -> {
            Value y = n.output();
            Value dy = gy.get(0);
            long axis = n.attrLong("axis", -1);
            return Arrays.asList(g.mul(y, g.sub(dy, g.reduceSum(g.mul(dy, y), true, axis))));
        });
        r.register("LogSoftmax", (g, n, gy, need) -> {
            Value dy = gy.get(0);
            long axis = n.attrLong("axis", -1);
            return Arrays.asList(g.sub(dy, g.mul(g.exp(n.output()), g.reduceSum(dy, true, axis))));
        });
        r.register("ReduceSum", (g, n, gy, need) ->
                Arrays.asList(g.expandLike(keep(g, n, gy.get(0)), n.input(0)), null));
        r.register("ReduceMean", (g, n, gy, need) -> {
            Value x = n.input(0);
            // divide the small reduced tensor before expanding it: one pass less over the full-size gradient
            Value scaled = g.div(keep(g, n, gy.get(0)), count(g, x, axes(n)));
            return Arrays.asList(g.expandLike(scaled, x));
        });
        r.register("ReduceMax", (g, n, gy, need) -> {
            Value x = n.input(0);
            long[] axes = axes(n);
            Value mask = g.cast(g.equal(x, keep(g, n, n.output())), x.dtype());
            // ties share the gradient equally, which keeps the rule a valid subgradient
            Value share = g.div(mask, g.reduceSum(mask, true, axes));
            return Arrays.asList(g.mul(share, keep(g, n, gy.get(0))));
        });
        r.register("ReduceLogSumExp", (g, n, gy, need) -> {
            Value x = n.input(0);
            return Arrays.asList(g.mul(keep(g, n, gy.get(0)), g.exp(g.sub(x, keep(g, n, n.output())))));
        });
        r.register("MatMul", (g, n, gy, need) -> {
            Value a = n.input(0);
            Value b = n.input(1);
            if (a.rank() < 2 || b.rank() < 2) {
                throw new UnsupportedOperationException("MatMul gradient needs rank >= 2 operands, got " + a + ", "
                        + b + " (created at " + n.site() + "); unsqueeze vectors first");
            }
            Value dy = gy.get(0);
            Value ga = need[0] ? unbroadcast(g, g.matMul(dy, swapLast(g, b)), a.shape()) : null;
            Value gb = null;
            if (need[1] && b.rank() == 2 && a.rank() > 2) {
                // a shared weight applied to a batch of sequences: flatten the leading dims into one GEMM
                // (a^T dy over all rows) instead of a batched product followed by a large reduction
                long k = a.shape().dim(-1);
                long m = dy.shape().dim(-1);
                gb = g.matMul(g.transpose(g.reshape(a, -1, k), 1, 0), g.reshape(dy, -1, m));
            } else if (need[1]) {
                gb = unbroadcast(g, g.matMul(swapLast(g, a), dy), b.shape());
            }
            return Arrays.asList(ga, gb);
        });
        r.register("Gemm", GradientRegistry::gemm);
        r.register("Concat", (g, n, gy, need) -> {
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
        });
        r.register("Slice", GradientRegistry::slice);
        r.register("Gather", GradientRegistry::gather);
        r.register("Pad", (g, n, gy, need) -> {
            long[] pads = longsOf(n.input(1));
            Value x = n.input(0);
            int rank = x.rank();
            long[] starts = new long[rank];
            long[] ends = new long[rank];
            for (int i = 0; i < rank; i++) {
                starts[i] = pads[i];
                // counting the end from the back works for symbolic dimensions too
                ends[i] = pads[i + rank] > 0 ? -pads[i + rank] : Long.MAX_VALUE;
            }
            return Arrays.asList(g.slice(gy.get(0), starts, ends, Autodiff.range(0, rank), null), null);
        });
        r.register("LayerNormalization", GradientRegistry::layerNorm);
        return r;
    }

    // ------------------------------------------------------------------ rule helpers

    private static Value unb(Graph g, Value grad, Value input, boolean needed) {
        return needed && grad != null ? unbroadcast(g, grad, input.shape()) : null;
    }

    private static Value c(Graph g, double v, Value like) {
        return g.scalar(v, like.dtype());
    }

    private static Value one(Graph g, Value like) {
        return c(g, 1, like);
    }

    private static Value swapLast(Graph g, Value x) {
        long[] p = Autodiff.range(0, x.rank());
        p[p.length - 1] = x.rank() - 2;
        p[p.length - 2] = x.rank() - 1;
        return g.transpose(x, p);
    }

    static long[] longsOf(Value constant) {
        HostTensor t = constant.data();
        if (t == null) {
            throw new UnsupportedOperationException(constant + " must be a constant for differentiation");
        }
        long[] a = new long[t.size()];
        t.longs().get(a);
        return a;
    }

    /** The (normalised, sorted) reduction axes of a Reduce* node. */
    private static long[] axes(Node n) {
        if (n.opType().equals("ReduceSum")) {
            return longsOf(n.input(1));
        }
        return n.attrLongs("axes");
    }

    /** {@code v} (a reduction result or its gradient) with the reduced axes restored as size-1 dims. */
    private static Value keep(Graph g, Node n, Value v) {
        return n.attrLong("keepdims", 1) == 1 ? v : g.unsqueeze(v, axes(n));
    }

    /** The number of elements a reduction over {@code axes} of {@code x} combines, as a scalar of x's dtype. */
    private static Value count(Graph g, Value x, long[] axes) {
        long n = 1;
        for (long a : axes) {
            long d = x.shape().dim((int) a);
            if (d == Shape.DYNAMIC) {
                // symbolic batch size: read it from the run-time shape
                Value dims = g.gather(g.shape(x), g.longs(axes), 0);
                return g.cast(g.reduceProd(dims, false), x.dtype());
            }
            n *= d;
        }
        return g.scalar(n, x.dtype());
    }

    private static List<Value> minMax(Graph g, Node n, Value dy, boolean[] need, boolean max) {
        Value a = n.input(0);
        Value b = n.input(1);
        Value mask = g.cast(max ? g.greaterOrEqual(a, b) : g.lessOrEqual(a, b), a.dtype());
        Value ga = need[0] ? unbroadcast(g, g.mul(dy, mask), a.shape()) : null;
        Value gb = need[1] ? unbroadcast(g, g.mul(dy, g.sub(one(g, mask), mask)), b.shape()) : null;
        return Arrays.asList(ga, gb);
    }

    private static List<Value> gemm(Graph g, Node n, List<Value> gys, boolean[] need) {
        Value a = n.input(0);
        Value b = n.input(1);
        Value dy = gys.get(0);
        double alpha = n.attrDouble("alpha", 1);
        double beta = n.attrDouble("beta", 1);
        boolean ta = n.attrLong("transA", 0) == 1;
        boolean tb = n.attrLong("transB", 0) == 1;
        // With A' = op(A), B' = op(B): dA' = alpha dY B'^T and dB' = alpha A'^T dY; transpose back where needed.
        Value ga = null;
        if (need[0]) {
            ga = ta ? g.gemm(b, dy, null, alpha, 0, tb, true) : g.gemm(dy, b, null, alpha, 0, false, !tb);
        }
        Value gb = null;
        if (need[1]) {
            gb = tb ? g.gemm(dy, a, null, alpha, 0, true, ta) : g.gemm(a, dy, null, alpha, 0, !ta, false);
        }
        Value gc = null;
        if (n.inputs().size() > 2 && need[2]) {
            Value scaled = beta == 1 ? dy : g.mul(dy, c(g, beta, dy));
            gc = unbroadcast(g, scaled, n.input(2).shape());
        }
        return Arrays.asList(ga, gb, gc);
    }

    private static List<Value> slice(Graph g, Node n, List<Value> gys, boolean[] need) {
        Value x = n.input(0);
        long[] starts = longsOf(n.input(1));
        long[] ends = longsOf(n.input(2));
        long[] axes = longsOf(n.input(3));
        long[] steps = longsOf(n.input(4));
        long[] pads = new long[2 * x.rank()];
        for (int i = 0; i < axes.length; i++) {
            int a = (int) (axes[i] < 0 ? axes[i] + x.rank() : axes[i]);
            long d = x.shape().dim(a);
            if (steps[i] != 1 || d == Shape.DYNAMIC) {
                throw new UnsupportedOperationException("Slice gradient needs step 1 and a static dimension (node "
                        + "created at " + n.site() + ")");
            }
            long[] se = Graph.sliceRange(d, starts[i], ends[i], 1);
            long len = Math.max(0, se[1] - se[0]);
            pads[a] = se[0];
            pads[a + x.rank()] = d - se[0] - len;
        }
        List<Value> out = new ArrayList<>(Arrays.asList(g.pad(gys.get(0), pads), null, null, null, null));
        return out.subList(0, n.inputs().size());
    }

    /** Embedding gradient: scatter-add expressed as one-hot(indices)^T @ dY, which ONNX Runtime runs as a GEMM. */
    private static List<Value> gather(Graph g, Node n, List<Value> gys, boolean[] need) {
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
        return Arrays.asList(g.reshape(gd, data.shape().dims()), null);
    }

    private static List<Value> layerNorm(Graph g, Node n, List<Value> gys, boolean[] need) {
        Value x = n.input(0);
        Value scale = n.input(1);
        Value bias = n.inputs().size() > 2 ? n.input(2) : null;
        Value dy = gys.get(0);
        // ONNX's axis may be negative (its default is -1); the builder normalises it, a generic or imported node may not
        int axis = (int) n.attrLong("axis", -1);
        long[] axes = Autodiff.range(axis < 0 ? axis + x.rank() : axis, x.rank());
        double eps = n.attrDouble("epsilon", 1e-5);
        // Recompute the normalised input from primitives; ONNX Runtime's optional Mean/InvStdDev outputs are not
        // used because the forward node may have been lowered without them.
        Value mean = g.reduceMean(x, true, axes);
        Value xc = g.sub(x, mean);
        Value var = g.reduceMean(g.mul(xc, xc), true, axes);
        Value rstd = g.div(one(g, x), g.sqrt(g.add(var, c(g, eps, x))));
        Value xhat = g.mul(xc, rstd);
        Value gx = null;
        if (need[0]) {
            Value gxhat = g.mul(dy, scale);
            Value m1 = g.reduceMean(gxhat, true, axes);
            Value m2 = g.reduceMean(g.mul(gxhat, xhat), true, axes);
            gx = g.mul(rstd, g.sub(g.sub(gxhat, m1), g.mul(xhat, m2)));
        }
        Value gs = need[1] ? unbroadcast(g, g.mul(dy, xhat), scale.shape()) : null;
        Value gbias = bias != null && need[2] ? unbroadcast(g, dy, bias.shape()) : null;
        return bias == null ? Arrays.asList(gx, gs) : Arrays.asList(gx, gs, gbias);
    }
}
