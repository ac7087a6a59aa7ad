package io.suffice.runtime.engine;

import io.suffice.api.graph.GradientRule;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Node;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse-mode automatic differentiation over a {@link Graph}. The backward pass is appended to the same graph as
 * ordinary ONNX nodes, so a lowered model computing the loss and its gradients runs entirely inside ONNX Runtime.
 * Only nodes that lie on a path from a requested parameter to the loss are differentiated; gradients of values used
 * several times are summed. Thread-safe if the registry is not modified concurrently (the graph itself is not
 * thread-safe, so differentiate one graph from one thread).
 */
public final class Autodiff implements io.suffice.api.graph.Differentiator {
    private final GradientRegistry registry;

    public Autodiff(GradientRegistry registry) {
        this.registry = registry;
    }

    /** Autodiff with the built-in rules for every op the {@link Graph} builder emits. */
    public static Autodiff standard() {
        return new Autodiff(GradientRegistry.standard());
    }

    /**
     * Gradients of the scalar {@code loss} with respect to each of {@code wrt}.
     *
     * @return one gradient value per element of {@code wrt}, same shape and dtype (zeros where the loss does not
     * depend on it)
     */
    @Override
    public List<Value> gradients(Value loss, List<Value> wrt) {
        Graph g = loss.graph();
        if (!loss.isFloat() || loss.rank() != 0) {
            throw new IllegalArgumentException("loss must be a floating-point scalar, got " + loss);
        }
        // Forward pass: which values depend on any wrt (only those need gradients).
        Set<Value> depends = new HashSet<>(wrt);
        for (Node n : g.nodes()) {
            for (Value in : n.inputs()) {
                if (in != null && depends.contains(in)) {
                    for (Value o : n.outputs()) {
                        if (o.isFloat()) {
                            depends.add(o);
                        }
                    }
                    break;
                }
            }
        }
        Map<Value, Value> grads = new HashMap<>();
        grads.put(loss, g.scalar(1.0, loss.dtype()));
        List<Node> nodes = new ArrayList<>(g.nodes());
        int lossIndex = loss.producer() == null ? -1 : nodes.indexOf(loss.producer());
        for (int i = lossIndex; i >= 0; i--) {
            Node n = nodes.get(i);
            if (n.outputs().size() == 1 && g.compositeOf(n.outputs().get(0)) != null) {
                // differentiate the composite as a unit; its inner nodes then receive no gradient and are skipped
                n = g.compositeOf(n.outputs().get(0));
            }
            List<Value> outGrads = new ArrayList<>();
            boolean any = false;
            for (Value o : n.outputs()) {
                Value og = grads.get(o);
                outGrads.add(og);
                any |= og != null;
            }
            if (!any) {
                continue;
            }
            boolean[] needed = new boolean[n.inputs().size()];
            boolean anyNeeded = false;
            for (int k = 0; k < needed.length; k++) {
                Value in = n.input(k);
                needed[k] = in != null && in.isFloat() && depends.contains(in);
                anyNeeded |= needed[k];
            }
            if (!anyNeeded) {
                continue;
            }
            GradientRule rule = registry.rule(n.opType());
            if (rule == null) {
                throw new UnsupportedOperationException("no gradient rule for " + n.opType() + " (node created at "
                        + n.site() + "); register one with GradientRegistry.register");
            }
            List<Value> inGrads = rule.backward(g, n, outGrads, needed);
            for (int k = 0; k < needed.length; k++) {
                Value gi = k < inGrads.size() ? inGrads.get(k) : null;
                if (!needed[k] || gi == null) {
                    continue;
                }
                Value in = n.input(k);
                if (!gi.shape().equals(in.shape()) && in.shape().isStatic() && gi.shape().isStatic()) {
                    throw new IllegalStateException("gradient rule of " + n.opType() + " returned " + gi.shape()
                            + " for input " + in);
                }
                grads.merge(in, gi, g::add);
            }
        }
        List<Value> out = new ArrayList<>();
        for (Value w : wrt) {
            Value gw = grads.get(w);
            if (gw == null) {
                gw = w.shape().isStatic() ? g.constant(HostTensor.zeros(w.dtype(), w.shape()))
                        : g.expandLike(g.scalar(0, w.dtype()), w);
            }
            out.add(gw);
        }
        return out;
    }

    /**
     * Sums {@code grad} over the dimensions along which a tensor of shape {@code target} was broadcast to produce
     * it, so the result has shape {@code target}. A symbolic dimension in {@code target} is assumed not broadcast.
     */
    public static Value unbroadcast(Graph g, Value grad, Shape target) {
        return io.suffice.api.graph.Gradients.unbroadcast(g, grad, target);
    }

    static long[] range(int from, int to) {
        return io.suffice.api.graph.Gradients.range(from, to);
    }
}
