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
 * Runs in FLOAT64 when ONNX Runtime's CPU kernels allow, else in FLOAT32 with a looser tolerance.
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

    static Outcome check(List<Param> params, BiFunction<Graph, List<Value>, Value> op) {
        try {
            return check(DType.FLOAT64, params, op);
        } catch (IllegalStateException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("NOT_IMPLEMENTED") || m.contains("Could not find an implementation")
                    || m.contains("not supported")) {
                return check(DType.FLOAT32, params, op);
            }
            throw e;
        }
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
        List<Value> grads = new Autodiff(rules).gradients(loss, ps);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        for (int i = 0; i < ps.size(); i++) {
            outs.put("g" + i, grads.get(i));
        }
        boolean f64 = dt == DType.FLOAT64;
        double eps = f64 ? 1e-6 : 1e-2;
        double tol = f64 ? 1e-6 : 2e-2;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, ps, outs)) {
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            for (Value p : ps) {
                feeds.put(p.name(), p.data().copy());
            }
            Map<String, HostTensor> base = e.run(feeds);
            List<double[]> analytic = new ArrayList<>();
            for (int i = 0; i < ps.size(); i++) {
                analytic.add(base.get("g" + i).toDoubleArray());
            }
            double worst = 0;
            String where = "";
            for (int i = 0; i < ps.size(); i++) {
                HostTensor t = feeds.get(ps.get(i).name());
                for (int k = 0; k < t.size(); k++) {
                    double orig = get(t, k);
                    set(t, k, orig + eps);
                    double up = e.run(feeds).get("loss").toDoubleArray()[0];
                    set(t, k, orig - eps);
                    double down = e.run(feeds).get("loss").toDoubleArray()[0];
                    set(t, k, orig);
                    double fd = (up - down) / (2 * eps);
                    double an = analytic.get(i)[k];
                    double err = Math.abs(fd - an) / Math.max(1, Math.abs(fd));
                    if (err > worst) {
                        worst = err;
                        where = ps.get(i).name() + "[" + k + "]: autodiff " + an + " vs fd " + fd;
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
