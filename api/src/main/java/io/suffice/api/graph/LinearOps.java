package io.suffice.api.graph;

import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** MatMul and Gemm builders of {@link Graph}, and their {@link Operator} definitions. */
abstract class LinearOps extends ShapeOps {

    LinearOps(long seed) {
        super(seed);
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

    // ------------------------------------------------------------------ operator definitions

    /** MatMul and Gemm. */
    static final List<Operator> OPERATORS = List.of(
            Operator.define("MatMul").imports(Operator.binary(Graph::matMul)).gradient(LinearOps::matMulGradient),
            Operator.define("Gemm").imports((g, n) -> g.gemm(n.in(0), n.in(1), n.in(2), n.attrDouble("alpha", 1),
                            n.attrDouble("beta", 1), n.attrLong("transA", 0) != 0, n.attrLong("transB", 0) != 0))
                    .gradient(LinearOps::gemmGradient));

    private static List<Value> matMulGradient(Graph g, Node n, List<Value> gy, boolean[] need) {
        Value a = n.input(0);
        Value b = n.input(1);
        if (a.rank() < 2 || b.rank() < 2) {
            throw new UnsupportedOperationException("MatMul gradient needs rank >= 2 operands, got " + a + ", "
                    + b + " (created at " + n.site() + "); unsqueeze vectors first");
        }
        Value dy = gy.get(0);
        Value ga = need[0] ? Gradients.unbroadcast(g, g.matMul(dy, swapLast(g, b)), a.shape()) : null;
        Value gb = null;
        if (need[1] && b.rank() == 2 && a.rank() > 2) {
            // a shared weight applied to a batch of sequences: flatten the leading dims into one GEMM
            // (a^T dy over all rows) instead of a batched product followed by a large reduction
            long k = a.shape().dim(-1);
            long m = dy.shape().dim(-1);
            gb = g.matMul(g.transpose(g.reshape(a, -1, k), 1, 0), g.reshape(dy, -1, m));
        } else if (need[1]) {
            gb = Gradients.unbroadcast(g, g.matMul(swapLast(g, a), dy), b.shape());
        }
        return Operator.grads(ga, gb);
    }

    private static Value swapLast(Graph g, Value x) {
        long[] p = Gradients.range(0, x.rank());
        p[p.length - 1] = x.rank() - 2;
        p[p.length - 2] = x.rank() - 1;
        return g.transpose(x, p);
    }

    private static List<Value> gemmGradient(Graph g, Node n, List<Value> gys, boolean[] need) {
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
        if (n.inputs().size() > 2 && n.input(2) != null && need[2]) {
            Value scaled = beta == 1 ? dy : g.mul(dy, Gradients.c(g, beta, dy));
            gc = Gradients.unbroadcast(g, scaled, n.input(2).shape());
        }
        return Operator.grads(ga, gb, gc);
    }
}
