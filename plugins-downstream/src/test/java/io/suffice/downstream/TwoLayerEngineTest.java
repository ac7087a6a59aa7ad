package io.suffice.downstream;

import io.suffice.api.data.Batch;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.data.xor.XorData;
import io.suffice.downstream.twolayer.Activation;
import io.suffice.optimizers.GradientDescent;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.suffice.downstream.TwoLayerNetworkTest.gaussian;
import static io.suffice.downstream.TwoLayerNetworkTest.labels;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine graph of {@code two-layer-gd} ({@link TwoLayerGraph}) against the plain-Java oracle
 * ({@link TwoLayerNetwork}): risk, diagnostics and gradient at a point, the gradient against central differences of
 * the engine's own float64 risk, the minibatch objective, a risk of 1e-300, and whole large-stepsize trajectories.
 */
class TwoLayerEngineTest {
    static final List<String> ACTIVATIONS = Activation.NAMES;
    private static final OrtExecutor EXECUTOR = new OrtExecutor(ExecutionConfig.defaults());

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    /** The graph's outputs at {@code w}: risk, objective, metrics and the objective's gradient ("grad"). */
    private static Map<String, double[]> evaluate(TwoLayerGraph net, double[] x, double[] y, int d, double[] w,
                                                  long[] rows) {
        return new Step(net).run(x, y, d, w, rows);
    }

    /** The graph's outputs (risk, objective, metrics, "grad" and grad_norm), compiled once. */
    private static final class Step {
        private final Executable exe;

        Step(TwoLayerGraph net) {
            Value grad = Autodiff.standard().gradients(net.objective, List.of(net.weights())).get(0);
            Map<String, Value> outputs = new LinkedHashMap<>(net.metrics);
            outputs.put("risk", net.risk);
            outputs.put("objective", net.objective);
            outputs.put("grad", grad);
            outputs.put("grad_norm", LogisticDiagnostics.gradNorm().of(net.graph, Map.of("W", grad))
                    .get("grad_norm"));
            List<Value> inputs = new java.util.ArrayList<>(net.inputs());
            inputs.add(net.weights());
            exe = EXECUTOR.compile(net.graph, inputs, outputs);
        }

        Map<String, double[]> run(double[] x, double[] y, int d, double[] w, long[] rows) {
            Map<String, HostTensor> feeds = new HashMap<>();
            feeds.put("x", HostTensor.of(x, y.length, d));
            feeds.put("y", HostTensor.of(y, y.length));
            feeds.put("W", HostTensor.of(w, w.length / d, d));
            if (rows != null) {
                feeds.put("batch", HostTensor.of(rows, rows.length));
            }
            Map<String, double[]> out = new LinkedHashMap<>();
            exe.run(feeds).forEach((k, v) -> out.put(k, v.toDoubleArray()));
            return out;
        }
    }

    @ParameterizedTest
    @FieldSource("ACTIVATIONS")
    void riskDiagnosticsAndGradientEqualTheOracle(String activation) {
        int n = 13;
        int d = 5;
        int m = 11;
        double[] x = gaussian(n * d, 0.4, 1);
        double[] y = labels(n);
        double[] w = gaussian(m * d, 1.0, 2);
        Activation phi = Activation.of(activation, 0.3, 0.5);
        Map<String, double[]> e = evaluate(TwoLayerGraph.build(d, m, phi, w, 0, DType.FLOAT64), x, y, d, w, null);
        double[] g = new double[m * d];
        Evaluation o = new TwoLayerNetwork(x, y, d, m, phi).evaluate(w, g, null);
        assertThat(e.get("risk")[0]).isCloseTo(o.risk(), within(1e-13 * o.risk()));
        assertThat(e.get("objective")[0]).isEqualTo(e.get("risk")[0]);
        assertThat(e.get("param_norm")[0]).isCloseTo(o.paramNorm(), within(1e-13 * o.paramNorm()));
        assertThat(e.get("normalized_margin")[0]).isCloseTo(o.margin(), within(1e-13 * Math.abs(o.margin())));
        assertThat(e.get("accuracy")[0]).isEqualTo(o.accuracy());
        assertThat(e.get("grad_norm")[0]).isCloseTo(o.gradNorm(), within(1e-12 * o.gradNorm()));
        for (int k = 0; k < g.length; k++) {
            assertThat(e.get("grad")[k]).as("dL/dW[%d]", k).isCloseTo(g[k], within(1e-12 * o.gradNorm()));
        }
    }

    @ParameterizedTest
    @FieldSource("ACTIVATIONS")
    void gradientMatchesCentralDifferencesOfTheEngineRisk(String activation) {
        int n = 7;
        int d = 5;
        int m = 11;
        double[] x = gaussian(n * d, 0.4, 1);
        double[] y = labels(n);
        double[] w = gaussian(m * d, 1.0, 2);
        TwoLayerGraph net = TwoLayerGraph.build(d, m, Activation.of(activation, 0.3, 0.5), w, 0, DType.FLOAT64);
        Step step = new Step(net);
        double[] g = step.run(x, y, d, w, null).get("grad");
        double h = 1e-6;
        for (int k = 0; k < w.length; k++) {
            double saved = w[k];
            w[k] = saved + h;
            double up = step.run(x, y, d, w, null).get("risk")[0];
            w[k] = saved - h;
            double down = step.run(x, y, d, w, null).get("risk")[0];
            w[k] = saved;
            assertThat(g[k]).as("dL/dW[%d]", k).isCloseTo((up - down) / (2 * h), within(1e-9));
        }
    }

    @Test
    void minibatchObjectiveIsTheRiskOfTheBatchRowsAndTheMetricsStayOnAllRows() {
        int n = 30;
        int d = 4;
        int m = 6;
        double[] x = gaussian(n * d, 0.5, 3);
        double[] y = labels(n);
        double[] w = gaussian(m * d, 1.0, 4);
        Activation phi = Activation.of("leaky-gelu", 0.5, 1);
        long[] rows = {17, 3, 29, 8, 3 + 1};
        Map<String, double[]> e = evaluate(TwoLayerGraph.build(d, m, phi, w, rows.length, DType.FLOAT64), x, y, d, w, rows);
        TwoLayerNetwork oracle = new TwoLayerNetwork(x, y, d, m, phi);
        double[] g = new double[m * d];
        Evaluation batch = oracle.evaluate(w, g, new int[]{17, 3, 29, 8, 4});
        Evaluation all = oracle.evaluate(w, null, null);
        assertThat(e.get("objective")[0]).isCloseTo(batch.risk(), within(1e-13 * batch.risk()));
        assertThat(e.get("risk")[0]).isCloseTo(all.risk(), within(1e-13 * all.risk()));
        assertThat(e.get("grad_norm")[0]).isCloseTo(batch.gradNorm(), within(1e-12 * batch.gradNorm()));
        for (int k = 0; k < g.length; k++) {
            assertThat(e.get("grad")[k]).isCloseTo(g[k], within(1e-12 * batch.gradNorm()));
        }
    }

    @Test
    void minibatchesDependOnlyOnSeedAndStepAndHoldDistinctRows() {
        double[] x = new double[20 * 2];
        double[] y = labels(20);
        var a = TwoLayerGd.batches(5, x, y, 20, 2, 7, DType.FLOAT64);
        var b = TwoLayerGd.batches(5, x, y, 20, 2, 7, DType.FLOAT64);
        long[] step9 = toLongs(a.batch(9).get("batch"));
        b.batch(3);
        assertThat(toLongs(b.batch(9).get("batch"))).containsExactly(step9);
        assertThat(toLongs(a.batch(10).get("batch"))).isNotEqualTo(step9);
        assertThat(java.util.Arrays.stream(step9).distinct().count()).isEqualTo(7);
        assertThat(java.util.Arrays.stream(step9).allMatch(r -> r >= 0 && r < 20)).isTrue();
    }

    private static long[] toLongs(HostTensor t) {
        long[] v = new long[t.size()];
        t.longs().get(0, v);
        return v;
    }

    @Test
    void riskAndGradientOfHugeMarginsAreResolvedDownTo1e300() {
        // margins of 1.05 * scale: risks from 1e-274 down to subnormal and 0; the gradient entries are as small
        // (grad_norm itself underflows there, in the oracle too: its squares are below the smallest double)
        double[] x = {0.6, 0.8, -0.6, -0.8, 0.8, 0.6};
        double[] y = {1, -1, 1};
        int d = 2;
        int m = 2;
        Activation phi = Activation.of("leaky-softplus", 0.5, 1);
        for (double scale : new double[]{600, 657, 670, 700, 800}) {
            double[] w = {scale, scale, -scale, -scale};
            Map<String, double[]> e = evaluate(TwoLayerGraph.build(d, m, phi, w, 0, DType.FLOAT64), x, y, d, w, null);
            double[] g = new double[m * d];
            Evaluation o = new TwoLayerNetwork(x, y, d, m, phi).evaluate(w, g, null);
            System.out.printf("scale %s: engine risk %s, oracle %s; dL/dW[0] %s vs %s%n", scale, e.get("risk")[0],
                    o.risk(), e.get("grad")[0], g[0]);
            assertThat(e.get("risk")[0]).isCloseTo(o.risk(), within(1e-13 * o.risk() + 4 * Double.MIN_VALUE));
            for (int k = 0; k < g.length; k++) {
                assertThat(e.get("grad")[k]).isCloseTo(g[k], within(1e-13 * Math.abs(g[k]) + 4 * Double.MIN_VALUE));
            }
            if (scale == 657) {
                assertThat(o.risk()).isBetween(1e-302, 1e-298);
                assertThat(Math.abs(g[0])).isGreaterThan(1e-302);
            }
        }
    }

    /** Per-step values of a plain-Java GD run from the task's initial weights. */
    private static Map<String, double[]> oracleRun(double[] x, double[] y, int d, int m, Activation phi, double eta,
                                                   int steps, long seed) {
        double[] w = TwoLayerGd.initialWeights(seed, m, d, 1.0);
        TwoLayerNetwork net = new TwoLayerNetwork(x, y, d, m, phi);
        double[] g = new double[w.length];
        Map<String, double[]> series = new LinkedHashMap<>();
        for (String k : LogisticDiagnostics.COLUMNS) {
            series.put(k, new double[steps + 1]);
        }
        for (int t = 0; t <= steps; t++) {
            Map<String, Double> v = net.evaluate(w, g, null).asMap();
            for (String k : LogisticDiagnostics.COLUMNS) {
                series.get(k)[t] = v.get(k);
            }
            for (int k = 0; t < steps && k < w.length; k++) {
                w[k] = w[k] - eta * g[k];
            }
        }
        return series;
    }

    @ParameterizedTest
    @FieldSource("ACTIVATIONS")
    void largeStepsizeTrajectoryEqualsThePlainJavaOne(String activation) {
        XorData data = new XorData(40, 0.1, 2, 0.1, 0);
        Batch all = data.all();
        double[] x = all.get("x").toDoubleArray();
        double[] y = all.get("y").toDoubleArray();
        int d = x.length / y.length;
        int m = 16;
        int steps = 300;
        double eta = 20000; // far above the classical threshold of about 8m = 128: every activation oscillates
        TwoLayerGdSettings s = new TwoLayerGdSettings(m, activation, 0.5, 0.5, 1, steps, 1, 1e-3, 0);
        FakeRunContext ctx = new FakeRunContext(data, () -> new GradientDescent(eta), 1);
        Map<String, Double> summary = new TwoLayerGd(s).run(ctx).summary();
        Map<String, double[]> oracle = oracleRun(x, y, d, m, Activation.of(activation, 0.5, 0.5), eta, steps, 1);
        Map<String, Double> worst = new LinkedHashMap<>();
        for (String k : LogisticDiagnostics.COLUMNS) {
            double[] engine = ctx.series(k);
            double[] plain = oracle.get(k);
            assertThat(engine).hasSize(steps + 1);
            double w = 0;
            for (int t = 0; t <= steps; t++) {
                w = Math.max(w, Math.abs(engine[t] - plain[t]) / Math.max(Math.abs(plain[t]), 1e-300));
            }
            worst.put(k, w);
        }
        System.out.printf("%s eta=%s: risk %.3g -> %.3g, increases %.0f, worst relative differences %s%n", activation,
                eta, oracle.get("risk")[0], oracle.get("risk")[steps], summary.get("risk_increases"), worst);
        assertThat(summary.get("risk_increases")).as("an oscillating first phase").isPositive();
        // seen: at most 1.3e-11 (leaky-relu), 5e-13 for the smooth activations
        worst.forEach((k, v) -> assertThat(v).as("%s %s", activation, k).isLessThan(1e-9));
    }
}
