package io.suffice.downstream;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.generative.FiniteDifferences;
import io.suffice.downstream.twolayer.Activation;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine graphs added for the large-stepsize reproductions against plain-Java references: the L-layer perceptron
 * of {@code mlp-gd} (risk, normalised margin, test accuracy; its gradient against central differences), and the
 * two-layer network's per-neuron margins and held-out accuracy.
 */
class MlpGraphTest {
    private static final int N = 7;
    private static final int D = 3;

    private static double[] data(SplittableRandom rng, int count) {
        double[] v = new double[count];
        for (int i = 0; i < count; i++) {
            v[i] = 0.5 * rng.nextGaussian();
        }
        return v;
    }

    private static double[] labels(SplittableRandom rng, int n) {
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextBoolean() ? 1 : -1;
        }
        return y;
    }

    /** Runs {@code outputs} of the graph with the store's parameters and the given feeds. */
    private static Map<String, double[]> run(io.suffice.api.graph.Graph g, List<Value> inputs,
                                             Map<String, Value> outputs, Map<String, HostTensor> feeds,
                                             Map<String, HostTensor> params) {
        List<Value> all = new ArrayList<>(inputs);
        all.addAll(g.parameters());
        Map<String, HostTensor> f = new HashMap<>(params);
        f.putAll(feeds);
        Map<String, double[]> out = new LinkedHashMap<>();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, all, outputs)) {
            e.run(f).forEach((k, v) -> out.put(k, v.toDoubleArray()));
        }
        return out;
    }

    /** Plain-Java forward pass of the MLP: weights[l] is out x in, row-major. */
    private static double forward(double[] x, int at, List<double[]> weights, int d, int m, Activation phi) {
        double[] h = new double[d];
        System.arraycopy(x, at * d, h, 0, d);
        for (int l = 0; l < weights.size(); l++) {
            int out = l == weights.size() - 1 ? 1 : m;
            double[] next = new double[out];
            for (int j = 0; j < out; j++) {
                double s = 0;
                for (int k = 0; k < h.length; k++) {
                    s += weights.get(l)[j * h.length + k] * h[k];
                }
                next[j] = l == weights.size() - 1 ? s : phi.value(s);
            }
            h = next;
        }
        return h[0];
    }

    @Test
    void fourLayerGeluRiskMarginAndTestAccuracyEqualThePlainJavaNetworkAndTheGradientItsFiniteDifferences() {
        SplittableRandom rng = new SplittableRandom(11);
        int m = 5;
        Activation phi = Activation.of("gelu", 0, 1);
        double[] x = data(rng, N * D);
        double[] y = labels(rng, N);
        double[] xt = data(rng, 4 * D);
        double[] yt = labels(rng, 4);
        MlpGraph net = MlpGraph.build(D, m, 4, phi, 1.5, 3, 4);
        Map<String, HostTensor> feeds = Map.of("x", HostTensor.of(x, N, D), "y", HostTensor.of(y, N),
                "x_test", HostTensor.of(xt, 4, D), "y_test", HostTensor.of(yt, 4));
        Map<String, Value> outputs = new LinkedHashMap<>(net.metrics);
        outputs.put("risk", net.risk);
        Map<String, double[]> got = run(net.graph, net.inputs(), outputs, feeds, net.store.asMap());

        List<double[]> w = new ArrayList<>();
        double sq = 0;
        for (Value p : net.weights) {
            double[] v = net.store.get(p.name()).toDoubleArray();
            w.add(v);
            for (double e : v) {
                sq += e * e;
            }
        }
        assertThat(w.get(0)).hasSize(m * D);
        assertThat(w.get(3)).hasSize(m);
        double risk = 0;
        double minMargin = Double.POSITIVE_INFINITY;
        for (int i = 0; i < N; i++) {
            double margin = y[i] * forward(x, i, w, D, m, phi);
            risk += Activation.softplus(-margin) / N;
            minMargin = Math.min(minMargin, margin);
        }
        int correct = 0;
        for (int i = 0; i < 4; i++) {
            correct += yt[i] * forward(xt, i, w, D, m, phi) > 0 ? 1 : 0;
        }
        assertThat(got.get("risk")[0]).isCloseTo(risk, within(1e-12));
        assertThat(got.get("param_norm")[0]).isCloseTo(Math.sqrt(sq), within(1e-12));
        assertThat(got.get("normalized_margin")[0]).isCloseTo(minMargin / Math.pow(Math.sqrt(sq), 4), within(1e-12));
        assertThat(got.get("test_accuracy")[0]).isCloseTo(correct / 4.0, within(1e-12));

        double worst = FiniteDifferences.worstRelativeError(net.graph, net.risk, net.inputs(), feeds, 8);
        assertThat(worst).isLessThan(1e-6);
    }

    @Test
    void reluMarginNormalisedByTheNormToTheDepthIsScaleFree() {
        SplittableRandom rng = new SplittableRandom(2);
        double[] x = data(rng, N * D);
        double[] y = labels(rng, N);
        Map<String, HostTensor> feeds = Map.of("x", HostTensor.of(x, N, D), "y", HostTensor.of(y, N));
        MlpGraph net = MlpGraph.build(D, 4, 3, Activation.of("relu", 0, 1), 1, 5, 0);
        Map<String, Value> outputs = Map.of("margin", net.metrics.get("normalized_margin"));
        double base = run(net.graph, net.inputs(), outputs, feeds, net.store.asMap()).get("margin")[0];
        Map<String, HostTensor> scaled = new HashMap<>();
        net.store.asMap().forEach((k, v) -> {
            double[] s = v.toDoubleArray();
            for (int i = 0; i < s.length; i++) {
                s[i] *= 3;
            }
            scaled.put(k, HostTensor.of(s, v.shape().dims()));
        });
        double after = run(net.graph, net.inputs(), outputs, feeds, scaled).get("margin")[0];
        assertThat(base).isNotZero();
        assertThat(after).isCloseTo(base, within(1e-12 + 1e-9 * Math.abs(base)));
    }

    @Test
    void twoLayerNeuronMarginsAndTestAccuracyEqualThePlainJavaValues() {
        SplittableRandom rng = new SplittableRandom(4);
        int m = 2;
        Activation phi = Activation.of("leaky-softplus", 0.5, 1);
        double[] x = data(rng, N * D);
        double[] y = labels(rng, N);
        double[] xt = data(rng, 5 * D);
        double[] yt = labels(rng, 5);
        double[] w = data(rng, m * D);
        TwoLayerGraph net = TwoLayerGraph.build(D, m, phi, w, 0, io.suffice.api.tensor.DType.FLOAT64, true, 5);
        Map<String, HostTensor> feeds = Map.of("x", HostTensor.of(x, N, D), "y", HostTensor.of(y, N),
                "x_test", HostTensor.of(xt, 5, D), "y_test", HostTensor.of(yt, 5));
        Map<String, double[]> got = run(net.graph, net.inputs(), net.metrics, feeds, net.store.asMap());
        for (int j = 0; j < m; j++) {
            double a = j % 2 == 0 ? 1 : -1;
            double norm = Math.sqrt(w[j * D] * w[j * D] + w[j * D + 1] * w[j * D + 1] + w[j * D + 2] * w[j * D + 2]);
            double min = Double.POSITIVE_INFINITY;
            for (int i = 0; i < N; i++) {
                double z = w[j * D] * x[i * D] + w[j * D + 1] * x[i * D + 1] + w[j * D + 2] * x[i * D + 2];
                min = Math.min(min, y[i] * a * phi.value(z));
            }
            assertThat(got.get("neuron_margin_" + j)[0]).isCloseTo(min / norm, within(1e-12));
        }
        int correct = 0;
        for (int i = 0; i < 5; i++) {
            double f = 0;
            for (int j = 0; j < m; j++) {
                double z = w[j * D] * xt[i * D] + w[j * D + 1] * xt[i * D + 1] + w[j * D + 2] * xt[i * D + 2];
                f += (j % 2 == 0 ? 1 : -1) * phi.value(z) / m;
            }
            correct += yt[i] * f > 0 ? 1 : 0;
        }
        assertThat(got.get("test_accuracy")[0]).isCloseTo(correct / 5.0, within(1e-12));
    }
}
