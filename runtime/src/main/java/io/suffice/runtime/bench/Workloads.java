package io.suffice.runtime.bench;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one workload that is not a task: a single float32 {@code n x n} MatMul through ONNX Runtime, the ceiling to
 * hold the task workloads' achieved GFLOP/s against. Stateless.
 */
final class Workloads {
    private Workloads() {
    }

    static BenchResult matmul(Executor ex, int n, int warmup, int steps) {
        Graph g = new Graph(0);
        Value a = g.input("a", DType.FLOAT32, n, n);
        Value b = g.input("b", DType.FLOAT32, n, n);
        Map<String, HostTensor> feeds = Map.of("a", normal(n, n, 1), "b", normal(n, n, 2));
        try (Executable e = ex.compile(g, List.of(a, b), Map.of("c", g.matMul(a, b)))) {
            for (int i = 0; i < warmup; i++) {
                e.run(feeds);
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < steps; i++) {
                e.run(feeds);
            }
            double ms = (System.nanoTime() - t0) / 1e6 / steps;
            return new BenchResult("matmul", ms, 0, 2.0 * n * n * n / (ms * 1e6), BenchResult.processPeakRssMb(), steps);
        }
    }

    private static HostTensor normal(long rows, long cols, long seed) {
        HostTensor t = HostTensor.zeros(DType.FLOAT32, Shape.of(rows, cols));
        Init.normal(1.0).fill(t, new SplittableRandom(seed));
        return t;
    }
}
