package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiFunction;

/**
 * Compares autodiff gradients with central finite differences. The op under test maps parameters to a tensor
 * {@code y}; the scalar checked is {@code sum(y * R)} for a fixed random R, so every output element matters.
 * <p>
 * Float64 is the rule: {@link #check(List, BiFunction)} runs in FLOAT64 and fails if ONNX Runtime has no double
 * kernel for the graph, so no check silently falls back to a looser tolerance. In float64 (step 1e-6) the error of an
 * entry, less the loss's rounding noise amplified by the quotient (64 ulps over 2 eps), is measured relative to
 * {@code max(|fd|, 1e-3 * max_k |fd_k|)} of its parameter and must stay below 1e-6:
 * a rule that is 0.1% wrong on the entries that carry the gradient fails by three orders of magnitude, while the
 * central difference's own error (truncation ~1e-12, rounding ~1e-10 relative) passes. Only graphs containing an op
 * without a double kernel (Erf, hence GELU) use {@link #checkFloat32Only}, whose finite differences (step 1e-2,
 * tolerance 2e-2) check the chain's structure; their rules are pinned against closed forms elsewhere.
 * <p>
 * {@link #checkDynamic} does the same with graph inputs of symbolic shape ({@link Shape#DYNAMIC} batch), fed at one
 * concrete size, so rules that read a size at run time (ReduceMean's count, Expand, Reshape) are exercised on it.
 */
final class GradCheck {

    /** A parameter of the check: its shape and how its values are drawn (float64 doubles). */
    record Param(String name, Shape shape, Init init) {
    }

    /** What was compared, for assertions. */
    record Outcome(DType dtype, double maxError, String worst) {
    }

    private GradCheck() {
    }

    static Param p(String name, Init init, long... dims) {
        return new Param(name, Shape.of(dims), init);
    }

    static Param p(String name, long... dims) {
        return p(name, Init.normal(1.0), dims);
    }

    /** The float64 check; fails when ONNX Runtime cannot run the graph in float64. */
    static Outcome check(List<Param> params, BiFunction<Graph, List<Value>, Value> op) {
        return check(DType.FLOAT64, params, op);
    }

    /**
     * The float32 check for graphs with an op that ONNX Runtime's CPU provider implements in float32 only; first
     * confirms that float64 is really rejected, naming {@code op32}, so the check moves to float64 when a kernel
     * appears.
     */
    static Outcome checkFloat32Only(String op32, List<Param> params, BiFunction<Graph, List<Value>, Value> op) {
        try {
            check(DType.FLOAT64, params, op);
        } catch (IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            if (!(m.contains("NOT_IMPLEMENTED") || m.contains("Could not find an implementation")) || !m.contains(op32)) {
                throw e;
            }
            return check(DType.FLOAT32, params, op);
        }
        throw new AssertionError("ONNX Runtime now runs " + op32 + " in float64: use check() for this graph");
    }

    static Outcome check(DType dt, List<Param> params, BiFunction<Graph, List<Value>, Value> op) {
        return check(dt, GradientRegistry.standard(), params, op);
    }

    static Outcome check(DType dt, GradientRegistry rules, List<Param> params,
                         BiFunction<Graph, List<Value>, Value> op) {
        Graph g = new Graph(7);
        List<Value> ps = new ArrayList<>();
        for (Param p : params) {
            ps.add(g.parameter(p.name(), dt, p.shape(), p.init()));
        }
        return checkBuilt(dt, rules, g, ps, op.apply(g, ps));
    }

    /** Checks the gradients of every parameter that {@code build} declares (layers declare their own). */
    static Outcome checkAll(DType dt, java.util.function.Function<Graph, Value> build) {
        Graph g = new Graph(7);
        Value y = build.apply(g);
        return checkBuilt(dt, GradientRegistry.standard(), g, g.parameters(), y);
    }

    private static Outcome checkBuilt(DType dt, GradientRegistry rules, Graph g, List<Value> ps, Value y) {
        HostTensor r = HostTensor.zeros(dt, y.shape());
        Init.normal(1.0).fill(r, new SplittableRandom(11));
        Value loss = g.reduceSum(g.mul(y, g.constant(r)), false);
        Map<String, HostTensor> feeds = new LinkedHashMap<>();
        for (Value p : ps) {
            feeds.put(p.name(), p.data().copy());
        }
        return compare(dt, rules, g, ps, List.of(), feeds, loss);
    }

    /** A graph input of symbolic shape and the concrete tensor it is fed with. */
    record Feed(String name, Shape shape, HostTensor value) {
    }

    /** A symbolic-shape input whose {@link Shape#DYNAMIC} dims are fed as the dims of {@code concrete}. */
    static Feed dynamic(String name, DType dt, Shape symbolic, long... concrete) {
        HostTensor t = HostTensor.zeros(dt, Shape.of(concrete));
        Init.normal(1.0).fill(t, new SplittableRandom(name.hashCode()));
        return new Feed(name, symbolic, t);
    }

    /**
     * Gradient check with symbolic-shape inputs: {@code op} receives the parameters, then the inputs (in the order
     * given); gradients are checked for both. The weights R of {@code sum(y * R)} are a further symbolic input, fed
     * with the shape y has at run time.
     */
    static Outcome checkDynamic(DType dt, List<Param> params, List<Feed> inputs,
                                BiFunction<Graph, List<Value>, Value> op) {
        return checkDynamic(dt, GradientRegistry.standard(), params, inputs, op);
    }

    static Outcome checkDynamic(DType dt, GradientRegistry rules, List<Param> params, List<Feed> inputs,
                                BiFunction<Graph, List<Value>, Value> op) {
        Graph g = new Graph(7);
        List<Value> wrt = new ArrayList<>();
        for (Param p : params) {
            wrt.add(g.parameter(p.name(), dt, p.shape(), p.init()));
        }
        Map<String, HostTensor> feeds = new LinkedHashMap<>();
        for (Value p : wrt) {
            feeds.put(p.name(), p.data().copy());
        }
        for (Feed f : inputs) {
            wrt.add(g.input(f.name(), dt, f.shape()));
            feeds.put(f.name(), f.value().copy());
        }
        Value y = op.apply(g, wrt);
        // the run-time shape of y, from a forward-only model
        Shape concrete;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, wrt, Map.of("gradcheck.y", y))) {
            concrete = e.run(feeds).get("gradcheck.y").shape();
        }
        Value rIn = g.input("gradcheck.r", dt, y.shape());
        HostTensor r = HostTensor.zeros(dt, concrete);
        Init.normal(1.0).fill(r, new SplittableRandom(11));
        feeds.put("gradcheck.r", r);
        Value loss = g.reduceSum(g.mul(y, rIn), false);
        return compare(dt, rules, g, wrt, List.of(rIn), feeds, loss);
    }

    private static Outcome compare(DType dt, GradientRegistry rules, Graph g, List<Value> wrt, List<Value> fixed,
                                   Map<String, HostTensor> feeds, Value loss) {
        List<Value> grads = new Autodiff(rules).gradients(loss, wrt);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        for (int i = 0; i < wrt.size(); i++) {
            outs.put("g" + i, grads.get(i));
        }
        List<Value> fed = new ArrayList<>(wrt);
        fed.addAll(fixed);
        boolean f64 = dt == DType.FLOAT64;
        double eps = f64 ? 1e-6 : 1e-2;
        double tol = f64 ? 1e-6 : 2e-2;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, fed, outs)) {
            Map<String, HostTensor> base = e.run(feeds);
            double base0 = base.get("loss").toDoubleArray()[0];
            // copy every gradient out before the next run: an executable may reuse its output buffers
            List<double[]> gradients = new ArrayList<>();
            for (int i = 0; i < wrt.size(); i++) {
                gradients.add(base.get("g" + i).toDoubleArray());
            }
            List<double[]> fds = new ArrayList<>();
            double global = 0;
            for (int i = 0; i < wrt.size(); i++) {
                HostTensor t = feeds.get(wrt.get(i).name());
                if (gradients.get(i).length != t.size()) {
                    throw new AssertionError("gradient of " + wrt.get(i).name() + " has " + gradients.get(i).length
                            + " entries for " + t.size() + " values");
                }
                double[] fd = new double[t.size()];
                for (int k = 0; k < t.size(); k++) {
                    double orig = get(t, k);
                    set(t, k, orig + eps);
                    double up = e.run(feeds).get("loss").toDoubleArray()[0];
                    set(t, k, orig - eps);
                    double down = e.run(feeds).get("loss").toDoubleArray()[0];
                    set(t, k, orig);
                    fd[k] = (up - down) / (2 * eps);
                    global = Math.max(global, Math.abs(fd[k]));
                }
                fds.add(fd);
            }
            // rounding of the loss, amplified by the difference quotient: 64 ulps of the loss over 2 eps (7e-9 for a
            // loss of order one in float64; 0.1% of an entry above the floor is larger whenever that entry is 1e-5)
            double noise = f64 ? 64 * Math.ulp(Math.max(1, Math.abs(base0))) / (2 * eps) : 0;
            double worst = 0;
            String where = "";
            for (int i = 0; i < wrt.size(); i++) {
                double[] fd = fds.get(i);
                double[] analytic = gradients.get(i);
                double scale = 0;
                for (double v : fd) {
                    scale = Math.max(scale, Math.abs(v));
                }
                // float64: relative to the entry, floored at 1e-3 of the largest entry of its parameter (of all
                // parameters for one whose gradient vanishes); float32: as before, absolute below 1 (rounding noise
                // of the loss dominates small entries there)
                double floor = f64 ? Math.max(1e-3 * (scale > 0 ? scale : global), 1e-12) : 1;
                for (int k = 0; k < fd.length; k++) {
                    double err = Math.max(0, Math.abs(fd[k] - analytic[k]) - noise) / Math.max(floor, Math.abs(fd[k]));
                    if (err > worst) {
                        worst = err;
                        where = wrt.get(i).name() + "[" + k + "]: autodiff " + analytic[k] + " vs fd " + fd[k];
                    }
                }
            }
            if (worst > tol) {
                throw new AssertionError("gradient mismatch in " + dt + ": " + where + " (error " + worst + ")");
            }
            return new Outcome(dt, worst, where);
        }
    }

    private static double get(HostTensor t, int k) {
        return t.dtype() == DType.FLOAT64 ? t.doubles().get(k) : t.floats().get(k);
    }

    private static void set(HostTensor t, int k, double v) {
        if (t.dtype() == DType.FLOAT64) {
            t.doubles().put(k, v);
        } else {
            t.floats().put(k, (float) v);
        }
    }
}
