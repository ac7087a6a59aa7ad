package io.suffice.downstream;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.downstream.twolayer.Activation;
import io.suffice.downstream.twolayer.GraphMath;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The network of the large-stepsize paper (Cai, Wu, Mei, Lindsey, Bartlett, NeurIPS 2024, Section 2) and its logistic
 * risk as one float64 engine graph (float32 only for the benchmark workloads):
 * <pre>
 *   f(x; W) = (1/m) sum_j a_j phi(w_j . x),     a_j = +1 for even j, -1 for odd j (fixed, half each),
 *   L(W)    = (1/n) sum_i softplus(-y_i f(x_i; W)),
 * </pre>
 * {@code W} ({@value #WEIGHTS}, {@code m x d}, row {@code j} is {@code w_j}) the only parameter. As operators:
 * {@code Z = Gemm(x, W, transB)} ({@code [n, m]}, {@code Z_ij = w_j . x_i}), {@code phi} by
 * {@link Activation#apply}, {@code f = MatMul(phi(Z), a) / m}; risk and diagnostics by {@link LogisticDiagnostics}.
 * <p>
 * Inputs: {@value #X} ({@code [n, d]}, the symbolic first dimension), {@value #Y} ({@code [n]}, labels +-1) and, when
 * trained on minibatches, {@value #BATCH} (INT64 {@code [b]}, the rows of the step's minibatch). The objective is the
 * risk over the minibatch rows ({@code Gather} of {@code x} and {@code y}) or, full batch, the risk itself; the
 * reported risk and the metrics are always over all of {@code x}.
 */
final class TwoLayerGraph {
    static final String X = "x";
    static final String Y = "y";
    static final String BATCH = "batch";
    static final String WEIGHTS = "W";
    static final String X_TEST = "x_test";
    /** Prefix of the per-neuron margin metrics. */
    static final String NEURON_MARGIN = "neuron_margin_";
    static final String Y_TEST = "y_test";

    final Graph graph;
    final ParameterStore store;
    final Value x;
    final Value y;
    /** The minibatch rows, or null (full batch). */
    final Value batch;
    /** {@code f(x_i)} for every row of {@link #x}. */
    final Value output;
    /** The risk over all of {@link #x}. */
    final Value risk;
    /** What is differentiated: the minibatch risk, or {@link #risk}. */
    final Value objective;
    /** {@code param_norm}, {@code normalized_margin}, {@code accuracy}, over all of {@link #x}. */
    final Map<String, Value> metrics;
    /** The held-out inputs {@value #X_TEST}, {@value #Y_TEST}, or empty. */
    final List<Value> heldOut;

    private TwoLayerGraph(Graph graph, Value x, Value y, Value batch, Value output, Value risk, Value objective,
                          Map<String, Value> metrics, List<Value> heldOut) {
        this.graph = graph;
        this.store = ParameterStore.of(graph);
        this.x = x;
        this.y = y;
        this.batch = batch;
        this.output = output;
        this.risk = risk;
        this.objective = objective;
        this.metrics = metrics;
        this.heldOut = heldOut;
    }

    /**
     * @param d         input dimension
     * @param m         width
     * @param phi       activation
     * @param w0        initial {@code W}, {@code m x d} row-major
     * @param batchSize rows per minibatch, or 0 for full-batch training
     * @param dtype     FLOAT64 (the task), or FLOAT32 (benchmark workloads timing the step the PyTorch peer runs)
     */
    static TwoLayerGraph build(int d, int m, Activation phi, double[] w0, int batchSize, DType dtype) {
        return build(d, m, phi, w0, batchSize, dtype, false, 0);
    }

    /**
     * As {@link #build(int, int, Activation, double[], int, DType)}, with two optional groups of metrics:
     *
     * @param neuronMargins adds {@code neuron_margin_j} for every neuron {@code j}: its own normalized margin as a
     *                      classifier, {@code min_i y_i a_j phi(w_j . x_i) / ||w_j||} (0 while {@code w_j = 0}); the
     *                      paper's Fig. 4 shows them negative while the network's margin is positive
     * @param heldOut       the number n' of held-out points (0: none); adds inputs {@value #X_TEST} {@code [n', d]},
     *                      {@value #Y_TEST} {@code [n']} and the metric {@code test_accuracy}, the fraction of
     *                      held-out points with {@code y f(x) > 0}
     */
    static TwoLayerGraph build(int d, int m, Activation phi, double[] w0, int batchSize, DType dtype,
                               boolean neuronMargins, int heldOut) {
        if (w0.length != (long) m * d) {
            throw new IllegalArgumentException("W needs m x d = " + m + " x " + d + " values, got " + w0.length);
        }
        Graph g = new Graph(0);
        Value x = g.input(X, dtype, Shape.DYNAMIC, d);
        Value y = g.input(Y, dtype, Shape.DYNAMIC);
        Value w = g.parameter(WEIGHTS, dtype, Shape.of(m, d), Init.values(w0));
        double[] a = new double[m];
        for (int j = 0; j < m; j++) {
            a[j] = j % 2 == 0 ? 1 : -1;
        }
        HostTensor signTensor = HostTensor.zeros(dtype, Shape.of(m, 1));
        Init.values(a).fill(signTensor, null);
        Value signs = g.constant(signTensor);
        Value f = output(g, x, w, signs, phi, m);
        Value margins = LogisticDiagnostics.margins(g, f, y);
        Value risk = LogisticDiagnostics.risk(g, margins);
        Value objective = risk;
        Value batch = null;
        if (batchSize > 0) {
            batch = g.input(BATCH, DType.INT64, batchSize);
            Value fb = output(g, g.gather(x, batch, 0), w, signs, phi, m);
            objective = LogisticDiagnostics.risk(g, LogisticDiagnostics.margins(g, fb, g.gather(y, batch, 0)));
        }
        Value norm = LogisticDiagnostics.norm(g, List.of(w));
        Map<String, Value> metrics = new LinkedHashMap<>();
        metrics.put(LogisticDiagnostics.PARAM_NORM, norm);
        metrics.put(LogisticDiagnostics.NORMALIZED_MARGIN, LogisticDiagnostics.normalizedMargin(g, margins, norm));
        metrics.put(LogisticDiagnostics.ACCURACY, LogisticDiagnostics.accuracy(g, margins));
        if (neuronMargins) {
            Value z = g.gemm(x, w, null, 1, 0, false, true);
            // y_i a_j phi(z_ij): [n, m]; min over i; divided by ||w_j||
            Value signed = g.mul(g.mul(g.reshape(y, -1, 1), phi.apply(g, z)), g.reshape(signs, 1, m));
            Value minOverSamples = g.neg(g.reduceMax(g.neg(signed), false, 0));
            Value rowNorms = g.sqrt(g.reduceSum(g.mul(w, w), false, 1));
            Value zero = GraphMath.constant(g, 0, rowNorms);
            Value positive = g.greater(rowNorms, zero);
            Value each = g.where(positive, g.div(minOverSamples, g.where(positive, rowNorms,
                    GraphMath.constant(g, 1, rowNorms))), zero);
            for (int j = 0; j < m; j++) {
                metrics.put(NEURON_MARGIN + j, g.reshape(g.slice(each, new long[]{j}, new long[]{j + 1}, new long[]{0}, null), new long[0]));
            }
        }
        List<Value> test = List.of();
        if (heldOut > 0) {
            Value xt = g.input(X_TEST, dtype, heldOut, d);
            Value yt = g.input(Y_TEST, dtype, heldOut);
            metrics.put(LogisticDiagnostics.TEST_ACCURACY, LogisticDiagnostics.accuracy(g,
                    LogisticDiagnostics.margins(g, output(g, xt, w, signs, phi, m), yt)));
            test = List.of(xt, yt);
        }
        return new TwoLayerGraph(g, x, y, batch, f, risk, objective, metrics, test);
    }

    /** {@code f(x) = (1/m) sum_j a_j phi(w_j . x)} for every row of {@code x}. */
    private static Value output(Graph g, Value x, Value w, Value signs, Activation phi, int m) {
        Value z = g.gemm(x, w, null, 1, 0, false, true);
        Value s = g.matMul(phi.apply(g, z), signs);
        return g.div(g.reshape(s, -1), GraphMath.constant(g, m, s));
    }

    /** The trained parameter {@code W}. */
    Value weights() {
        return graph.find(WEIGHTS);
    }

    /** The batch inputs, in feed order. */
    List<Value> inputs() {
        List<Value> in = new ArrayList<>(List.of(x, y));
        if (batch != null) {
            in.add(batch);
        }
        in.addAll(heldOut);
        return in;
    }
}
