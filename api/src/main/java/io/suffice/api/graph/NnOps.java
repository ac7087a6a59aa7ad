package io.suffice.api.graph;

import io.suffice.api.tensor.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Softmax, LogSoftmax and LayerNormalization builders of {@link Graph}, and their {@link Operator} definitions. */
abstract class NnOps extends LinearOps {

    NnOps(long seed) {
        super(seed);
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

    Value axisOp(String op, Value x, int axis) {
        requireFloat(op, x);
        int a = normAxis(op, axis, x.rank(), x);
        return emit(op, List.of(x), Map.of("axis", (long) a), x.dtype(), x.shape());
    }

    /** Opset 17: ReduceSum takes axes as an input, the other reductions as an attribute. */

    // ------------------------------------------------------------------ operator definitions

    /**
     * Softmax, LogSoftmax and LayerNormalization. Before opset 13 Softmax and LogSoftmax flatten the input to 2-D at
     * {@code axis} (default 1) and normalise over everything from it; the import rule rebuilds that with Reshape.
     */
    static final List<Operator> OPERATORS = List.of(
            Operator.define("Softmax").imports((g, n) -> importSoftmax(g, n, false))
                    .gradient(Gradients.unary((g, x, y, dy) -> g.mul(y, g.sub(dy,
                            g.reduceSum(g.mul(dy, y), true, y.producer().attrLong("axis", -1)))))),
            Operator.define("LogSoftmax").imports((g, n) -> importSoftmax(g, n, true))
                    .gradient(Gradients.unary((g, x, y, dy) -> g.sub(dy, g.mul(g.exp(y),
                            g.reduceSum(dy, true, y.producer().attrLong("axis", -1)))))),
            Operator.define("LayerNormalization")
                    .imports((g, n) -> g.layerNormalization(n.in(0), n.in(1), n.in(2), (int) n.attrLong("axis", -1),
                            n.attrDouble("epsilon", 1e-5)))
                    .checks(n -> n.outputs() > 1 ? "LayerNormalization's mean and inverse-std outputs are not supported"
                            : null)
                    .gradient(NnOps::layerNormGradient));

    private static Value importSoftmax(Graph g, ImportedNode n, boolean log) {
        Value x = n.in(0);
        int axis = (int) n.attrLong("axis", n.opset() < 13 ? 1 : -1);
        int a = axis < 0 ? axis + x.rank() : axis;
        if (n.opset() >= 13 || a == x.rank() - 1) {
            return log ? g.logSoftmax(x, a) : g.softmax(x, a);
        }
        // opset < 13: softmax over the flattened trailing block [a, rank)
        long tail = 1;
        for (int i = a; i < x.rank(); i++) {
            long d = x.shape().dim(i);
            Operator.require(d != Shape.DYNAMIC, n.opType() + " (opset " + n.opset() + ") over axes " + a + ".. of "
                    + x + " needs static sizes there");
            tail *= d;
        }
        long[] flat = new long[a + 1];
        flat[a] = tail;
        for (int i = 0; i < a; i++) {
            flat[i] = 0;
        }
        Value f = g.reshape(x, flat);
        Value y = log ? g.logSoftmax(f, a) : g.softmax(f, a);
        return g.reshapeLike(y, x);
    }

    private static List<Value> layerNormGradient(Graph g, Node n, List<Value> gys, boolean[] need) {
        Value x = n.input(0);
        Value scale = n.input(1);
        Value bias = n.inputs().size() > 2 ? n.input(2) : null;
        Value dy = gys.get(0);
        // ONNX's axis may be negative (its default is -1); the builder normalises it, a generic node may not
        int axis = (int) n.attrLong("axis", -1);
        long[] axes = Gradients.range(axis < 0 ? axis + x.rank() : axis, x.rank());
        double eps = n.attrDouble("epsilon", 1e-5);
        // Recompute the normalised input from primitives; ONNX Runtime's optional Mean/InvStdDev outputs are not
        // used because the forward node may have been lowered without them.
        Value mean = g.reduceMean(x, true, axes);
        Value xc = g.sub(x, mean);
        Value var = g.reduceMean(g.mul(xc, xc), true, axes);
        Value rstd = g.div(Gradients.c(g, 1, x), g.sqrt(g.add(var, Gradients.c(g, eps, x))));
        Value xhat = g.mul(xc, rstd);
        Value gx = null;
        if (need[0]) {
            Value gxhat = g.mul(dy, scale);
            Value m1 = g.reduceMean(gxhat, true, axes);
            Value m2 = g.reduceMean(g.mul(gxhat, xhat), true, axes);
            gx = g.mul(rstd, g.sub(g.sub(gxhat, m1), g.mul(xhat, m2)));
        }
        Value gs = need[1] ? Gradients.unbroadcast(g, g.mul(dy, xhat), scale.shape()) : null;
        Value gbias = bias != null && need[2] ? Gradients.unbroadcast(g, dy, bias.shape()) : null;
        return bias == null ? Operator.grads(gx, gs) : Operator.grads(gx, gs, gbias);
    }
}
