package io.suffice.downstream.generative;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Compares the engine's autodiff gradients of a scalar loss with central finite differences at a few random
 * entries of every parameter. Returns the worst relative error {@code |g - fd| / max(floor, |g|, |fd|)}. Float64
 * graphs use a step of 1e-6 and a floor of 1e-3; float32 graphs (needed wherever ONNX Runtime's CPU kernels lack
 * float64, e.g. Erf inside GELU) a step of 4e-3 and a floor of 1e-2, so their errors are rounding-limited at ~1e-3.
 */
public final class FiniteDifferences {
    private FiniteDifferences() {
    }

    public static double worstRelativeError(Graph g, Value loss, List<Value> inputs, Map<String, HostTensor> feeds,
                                            int entriesPerParameter) {
        List<Value> params = g.parameters();
        boolean f64 = params.get(0).dtype() == DType.FLOAT64;
        ParameterStore store = ParameterStore.of(g);
        List<Value> grads = Autodiff.standard()
                .gradients(loss, params);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        for (int i = 0; i < params.size(); i++) {
            outs.put("g" + i, grads.get(i));
        }
        List<Value> all = new ArrayList<>(params);
        all.addAll(inputs);
        SplittableRandom rng = new SplittableRandom(5);
        double worst = 0;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, all, outs)) {
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(feeds);
            Map<String, HostTensor> out = e.run(f);
            List<double[]> analytic = new ArrayList<>();
            for (int i = 0; i < params.size(); i++) {
                analytic.add(out.get("g" + i).toDoubleArray());
            }
            double h = f64 ? 1e-6 : 4e-3;
            double floor = f64 ? 1e-3 : 1e-2;
            for (int i = 0; i < params.size(); i++) {
                HostTensor t = store.get(params.get(i).name());
                int n = t.size();
                for (int k = 0; k < Math.min(entriesPerParameter, n); k++) {
                    int at = rng.nextInt(n);
                    double v = get(t, at);
                    set(t, at, v + h);
                    double up = e.run(f).get("loss").toDoubleArray()[0];
                    set(t, at, v - h);
                    double down = e.run(f).get("loss").toDoubleArray()[0];
                    set(t, at, v);
                    double fd = (up - down) / (2 * h);
                    double a = analytic.get(i)[at];
                    worst = Math.max(worst, Math.abs(a - fd) / Math.max(floor, Math.max(Math.abs(a), Math.abs(fd))));
                }
            }
        }
        return worst;
    }

    private static double get(HostTensor t, int at) {
        return t.dtype() == DType.FLOAT64 ? t.doubles().get(at) : t.floats().get(at);
    }

    private static void set(HostTensor t, int at, double v) {
        if (t.dtype() == DType.FLOAT64) {
            t.doubles().put(at, v);
        } else {
            t.floats().put(at, (float) v);
        }
    }
}
