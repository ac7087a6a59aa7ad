package io.suffice.runtime.bench;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.TrainStep;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The engine's implementations of the reference workloads (shapes and FLOP formulas as in the PyTorch peer scripts
 * under {@code /work/shared/bench}). Stateless; each call builds, compiles, warms up and times its own model.
 */
public final class Workloads {
    private Workloads() {
    }

    /** A step to time; returns nothing, must do one full unit of work. */
    @FunctionalInterface
    interface Step {
        void run();
    }

    static BenchResult time(String name, double flopsPerStep, int warmup, int steps, Step step) {
        for (int i = 0; i < warmup; i++) {
            step.run();
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < steps; i++) {
            step.run();
        }
        double ms = (System.nanoTime() - t0) / 1e6 / steps;
        return new BenchResult(name, ms, 1000 / ms, flopsPerStep / (ms * 1e6), steps);
    }

    /** A single float32 {@code n x n} MatMul: the ceiling to hold achieved GFLOP/s against. */
    public static BenchResult matmul(Executor ex, int n, int warmup, int steps) {
        Graph g = new Graph(0);
        Value a = g.input("a", DType.FLOAT32, n, n);
        Value b = g.input("b", DType.FLOAT32, n, n);
        Map<String, HostTensor> feeds = Map.of("a", normal(n, n, 1), "b", normal(n, n, 2));
        try (Executable e = ex.compile(g, List.of(a, b), Map.of("c", g.matMul(a, b)))) {
            return time("matmul", 2.0 * n * n * n, warmup, steps, () -> e.run(feeds));
        }
    }

    /**
     * Full-batch GD on the logistic loss of {@code f(x) = (1/m) sum_j a_j phi(w_j . x)}, {@code a_j = +-1} fixed,
     * leaky softplus {@code phi(z) = 0.5 z + 0.5 softplus(z)}, stepsize {@code eta}.
     *
     * @param fused true: the update runs inside the ONNX model; false: gradients come out and a host-side
     *              {@link Optimizer} applies them in place
     */
    public static BenchResult twoLayerGd(Executor ex, String name, int n, int d, int m, double eta, boolean fused,
                                         int warmup, int steps) {
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT32, n, d);
        Value y = g.input("y", DType.FLOAT32, n);
        Value w = g.parameter("W", Shape.of(m, d), Init.normal(1.0));
        float[] signs = new float[m];
        for (int j = 0; j < m; j++) {
            signs[j] = j % 2 == 0 ? 1 : -1;
        }
        Value sign = g.constant(HostTensor.of(signs, m));
        Value z = g.gemm(x, w, null, 1, 0, false, true); // x W^T: [n, m]
        Value half = g.scalar(0.5, DType.FLOAT32);
        Value phi = g.add(g.mul(z, half), g.mul(g.softplus(z), half));
        Value f = g.reduceMean(g.mul(phi, sign), false, 1);
        Value risk = g.reduceMean(g.softplus(g.neg(g.mul(y, f))), false);
        ParameterStore store = ParameterStore.of(g);
        HostTensor xs = normal(n, d, 3);
        var xb = xs.floats();
        for (int i = 0; i < xb.limit(); i++) {
            xb.put(i, (float) (xb.get(i) / Math.sqrt(d)));
        }
        HostTensor ys = HostTensor.zeros(DType.FLOAT32, Shape.of(n));
        SplittableRandom rng = new SplittableRandom(4);
        for (int i = 0; i < n; i++) {
            ys.floats().put(i, rng.nextBoolean() ? 1 : -1);
        }
        Map<String, HostTensor> batch = Map.of("x", xs, "y", ys);
        Optimizer gd = new Optimizer() {
            @Override
            public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
                var p = params.get(0).floats();
                var gr = grads.get(0).floats();
                float e = (float) eta;
                for (int i = 0, len = p.limit(); i < len; i++) {
                    p.put(i, p.get(i) - e * gr.get(i));
                }
            }
        };
        Autodiff ad = Autodiff.standard();
        long total = (long) warmup + steps;
        long[] t = {0};
        try (TrainStep step = fused ? TrainStep.compileFusedGd(ex, ad, risk, Map.of(), store, eta)
                : TrainStep.compile(ex, ad, risk, Map.of(), store)) {
            return time(name, 4.0 * n * d * m, warmup, steps, () -> step.step(batch, gd, t[0]++, total));
        }
    }

    static HostTensor normal(long rows, long cols, long seed) {
        HostTensor t = HostTensor.zeros(DType.FLOAT32, Shape.of(rows, cols));
        Init.normal(1.0).fill(t, new SplittableRandom(seed));
        return t;
    }
}
