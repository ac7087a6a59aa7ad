package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
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
        Map<String, Object> attrs = Map.of("axis", (long) a, "epsilon", epsilon);
        if (x.dtype() != DType.FLOAT32) {
            // ONNX types Mean and InvStdDev as float32 whatever the input: a float64 graph keeps one output
            return emit("LayerNormalization", Arrays.asList(x, scale, bias), attrs, x.dtype(), x.shape());
        }
        if (bias == null) {
            // ONNX Runtime 1.24.1 kills the process (SIGSEGV in its extended graph optimisations) when it compiles
            // the gradient of a float32 LayerNormalization without a bias; a zero bias avoids that code path. It is
            // made at run time in the scale's shape (nothing allocated here, symbolic sizes allowed), and being an
            // Expand of a constant it receives no gradient.
            bias = expandLike(scalar(0, x.dtype()), scale);
        }
        // The kernel's Mean and InvStdDev outputs cost nothing extra and spare the backward pass recomputing them.
        long[] stats = x.shape().dims().clone();
        Arrays.fill(stats, a, stats.length, 1);
        return emitIn("LayerNormalization", "", Arrays.asList(x, scale, bias), attrs,
                List.of(x.dtype(), DType.FLOAT32, DType.FLOAT32), List.of(x.shape(), Shape.of(stats), Shape.of(stats)))
                .get(0);
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
        Value mean;
        Value rstd;
        if (n.outputs().size() == 3 && x.dtype() == DType.FLOAT32) {
            mean = n.outputs().get(1);
            rstd = n.outputs().get(2);
        } else {
            // a node without its Mean and InvStdDev outputs (float64, or a raw node from Graph.op): recompute them
            mean = g.reduceMean(x, true, axes);
            Value xc = g.sub(x, mean);
            Value var = g.reduceMean(g.mul(xc, xc), true, axes);
            rstd = g.div(Gradients.c(g, 1, x), g.sqrt(g.add(var, Gradients.c(g, eps, x))));
        }
        Value xhat = g.mul(g.sub(x, mean), rstd);
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
