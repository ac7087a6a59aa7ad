package io.suffice.downstream;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;
import io.suffice.downstream.twolayer.Activation;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A bias-free L-layer perceptron with a scalar output and its logistic risk as one float64 engine graph, the
 * network of the large-stepsize paper's Fig. 1 (a four-layer GELU MLP; Cai, Wu, Mei, Lindsey, Bartlett,
 * NeurIPS 2024):
 * <pre>
 *   h_0 = x,   h_l = phi(h_{l-1} W_l^T)  (l = 1 .. L-1, W_l of shape m x fan-in),   f(x) = h_{L-1} W_L^T  (W_L: 1 x m)
 *   L(W) = (1/n) sum_i softplus(-y_i f(x_i)),
 *   normalized_margin = min_i y_i f(x_i) / ||W||^L,     ||W|| the Euclidean norm over all layers together.
 * </pre>
 * Without biases and with a 1-homogeneous {@code phi} the network is L-homogeneous in {@code W} ({@code f(cW) =
 * c^L f(W)}), so {@code ||W||^L} is the normalisation that makes the margin scale-free; GELU is only
 * near-homogeneous, as in the paper. All layers are trained. Initial weights: entries {@code N(0, s^2 / fan-in)}
 * drawn from the run seed. Metrics: {@code param_norm} {@code ||W||}, {@code normalized_margin},
 * {@code accuracy} and, with held-out data (inputs {@value TwoLayerGraph#X_TEST}, {@value TwoLayerGraph#Y_TEST}),
 * {@code test_accuracy}.
 */
final class MlpGraph {
    final Graph graph;
    final ParameterStore store;
    final Value x;
    final Value y;
    final Value risk;
    final List<Value> weights;
    final Map<String, Value> metrics;
    final List<Value> heldOut;

    private MlpGraph(Graph graph, Value x, Value y, Value risk, List<Value> weights, Map<String, Value> metrics,
                     List<Value> heldOut) {
        this.graph = graph;
        this.store = ParameterStore.of(graph);
        this.x = x;
        this.y = y;
        this.risk = risk;
        this.weights = weights;
        this.metrics = metrics;
        this.heldOut = heldOut;
    }

    /**
     * @param d         input dimension
     * @param m         hidden width
     * @param layers    number of weight matrices L (at least 2)
     * @param phi       activation
     * @param initScale s of the {@code N(0, s^2 / fan-in)} initial entries
     * @param seed      seed of the initial weights
     * @param heldOut   the number of held-out points (0: none): adds their inputs and {@code test_accuracy}
     */
    static MlpGraph build(int d, int m, int layers, Activation phi, double initScale, long seed, int heldOut) {
        if (layers < 2) {
            throw new IllegalArgumentException("an MLP needs at least 2 layers, got " + layers);
        }
        Graph g = new Graph(0);
        Value x = g.input(TwoLayerGraph.X, DType.FLOAT64, Shape.DYNAMIC, d);
        Value y = g.input(TwoLayerGraph.Y, DType.FLOAT64, Shape.DYNAMIC);
        SplittableRandom rng = new SplittableRandom(seed);
        List<Value> weights = new ArrayList<>();
        int fanIn = d;
        for (int l = 1; l <= layers; l++) {
            int out = l == layers ? 1 : m;
            double[] w0 = new double[out * fanIn];
            double sd = initScale / Math.sqrt(fanIn);
            for (int k = 0; k < w0.length; k++) {
                w0[k] = sd * rng.nextGaussian();
            }
            weights.add(g.parameter("W" + l, DType.FLOAT64, Shape.of(out, fanIn), Init.values(w0)));
            fanIn = out;
        }
        Value f = output(g, x, weights, phi);
        Value margins = LogisticDiagnostics.margins(g, f, y);
        Value risk = LogisticDiagnostics.risk(g, margins);
        Value norm = LogisticDiagnostics.norm(g, weights);
        Map<String, Value> metrics = new LinkedHashMap<>();
        metrics.put(LogisticDiagnostics.PARAM_NORM, norm);
        metrics.put(LogisticDiagnostics.NORMALIZED_MARGIN, LogisticDiagnostics.normalizedMargin(g, margins,
                g.pow(norm, g.scalar(layers, DType.FLOAT64))));
        metrics.put(LogisticDiagnostics.ACCURACY, LogisticDiagnostics.accuracy(g, margins));
        List<Value> test = List.of();
        if (heldOut > 0) {
            Value xt = g.input(TwoLayerGraph.X_TEST, DType.FLOAT64, heldOut, d);
            Value yt = g.input(TwoLayerGraph.Y_TEST, DType.FLOAT64, heldOut);
            metrics.put(LogisticDiagnostics.TEST_ACCURACY, LogisticDiagnostics.accuracy(g,
                    LogisticDiagnostics.margins(g, output(g, xt, weights, phi), yt)));
            test = List.of(xt, yt);
        }
        return new MlpGraph(g, x, y, risk, weights, metrics, test);
    }

    /** {@code f(x)} for every row of {@code x}, shape {@code [n]}. */
    static Value output(Graph g, Value x, List<Value> weights, Activation phi) {
        Value h = x;
        for (int l = 0; l < weights.size(); l++) {
            h = g.gemm(h, weights.get(l), null, 1, 0, false, true);
            if (l < weights.size() - 1) {
                h = phi.apply(g, h);
            }
        }
        return g.reshape(h, -1);
    }

    /** The graph inputs in feed order. */
    List<Value> inputs() {
        List<Value> in = new ArrayList<>(List.of(x, y));
        in.addAll(heldOut);
        return in;
    }
}
