package io.suffice.downstream.twolayer;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;

import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/** Runs an elementwise float64 graph function on ONNX Runtime: its values and the derivative autodiff forms. */
final class GraphProbe {
    /** Values and derivatives at each point. */
    record Result(double[] values, double[] derivatives) {
    }

    private GraphProbe() {
    }

    static Result run(BiFunction<Graph, Value, Value> fn, double[] z) {
        return run(fn, z, DType.FLOAT64);
    }

    /** As {@link #run(BiFunction, double[])} with {@code z} (rounded to) {@code dtype}. */
    static Result run(BiFunction<Graph, Value, Value> fn, double[] z, DType dtype) {
        Graph g = new Graph(0);
        Value p = g.parameter("z", dtype, Shape.of(z.length), Init.values(z));
        Value v = fn.apply(g, p);
        Value grad = Autodiff.standard().gradients(g.reduceSum(v, false), List.of(p)).get(0);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults())) {
            Map<String, HostTensor> out = ex.compile(g, List.of(p), Map.of("v", v, "g", grad))
                    .run(Map.of("z", p.data()));
            return new Result(out.get("v").toDoubleArray(), out.get("g").toDoubleArray());
        }
    }

    /** {@code |a - b|} in units of the spacing of doubles at {@code b} (0 when both are equal). */
    static double ulps(double a, double b) {
        return a == b ? 0 : Math.abs(a - b) / Math.ulp(b);
    }

    /** Relative difference, absolute where {@code |b| < floor}. */
    static double relative(double a, double b, double floor) {
        return a == b ? 0 : Math.abs(a - b) / Math.max(Math.abs(b), floor);
    }

    /** {@code count} points spaced evenly from {@code from} to {@code to}. */
    static double[] linspace(double from, double to, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = from + (to - from) * i / (count - 1);
        }
        return v;
    }

    static double[] concat(double[]... parts) {
        int n = 0;
        for (double[] p : parts) {
            n += p.length;
        }
        double[] v = new double[n];
        int k = 0;
        for (double[] p : parts) {
            System.arraycopy(p, 0, v, k, p.length);
            k += p.length;
        }
        return v;
    }
}
