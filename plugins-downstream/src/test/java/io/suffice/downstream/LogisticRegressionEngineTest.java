package io.suffice.downstream;

import io.suffice.api.data.Batch;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;
import io.suffice.data.SeparableGaussians;
import io.suffice.downstream.twolayer.Activation;
import io.suffice.optimizers.GradientDescent;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine graph of {@code logistic-regression} against plain Java: the linear model is the oracle network
 * {@link TwoLayerNetwork} with the identity activation and width 1 ({@code f = w . x}).
 */
class LogisticRegressionEngineTest {

    @Test
    void gradientMatchesCentralDifferencesOfTheEngineRisk() {
        SeparableGaussians data = new SeparableGaussians(30, 6, 0.3, 1, 2);
        double[] x = data.all().get("x").toDoubleArray();
        double[] y = data.all().get("y").toDoubleArray();
        int d = 6;
        LogisticRegression.Model model = LogisticRegression.Model.build(d);
        Value grad = Autodiff.standard().gradients(model.risk(), List.of(model.w())).get(0);
        double[] w = {0.5, -1, 2, 0.1, -0.3, 3};
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults())) {
            Executable exe = ex.compile(model.graph(), List.of(model.x(), model.y(), model.w()),
                    Map.of("risk", model.risk(), "grad", grad));
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            feeds.put("x", HostTensor.of(x, 30, d));
            feeds.put("y", HostTensor.of(y, 30));
            feeds.put("w", HostTensor.of(w.clone(), d));
            double[] g = exe.run(feeds).get("grad").toDoubleArray();
            double h = 1e-6;
            for (int k = 0; k < d; k++) {
                double[] up = w.clone();
                up[k] += h;
                double[] down = w.clone();
                down[k] -= h;
                feeds.put("w", HostTensor.of(up, d));
                double ru = exe.run(feeds).get("risk").toDoubleArray()[0];
                feeds.put("w", HostTensor.of(down, d));
                double rd = exe.run(feeds).get("risk").toDoubleArray()[0];
                assertThat(g[k]).as("dL/dw[%d]", k).isCloseTo((ru - rd) / (2 * h), within(1e-9));
            }
        }
    }

    @Test
    void largeStepsizeTrajectoryFromZeroEqualsThePlainJavaOne() {
        SeparableGaussians data = new SeparableGaussians(100, 10, 0.1, 1, 0);
        Batch all = data.all();
        double[] x = all.get("x").toDoubleArray();
        double[] y = all.get("y").toDoubleArray();
        int d = 10;
        int steps = 400;
        double eta = 1000;
        FakeRunContext ctx = new FakeRunContext(data, () -> new GradientDescent(eta), 1);
        Map<String, Double> summary = new LogisticRegression(steps, 1, 1e-2).run(ctx).summary();

        TwoLayerNetwork oracle = new TwoLayerNetwork(x, y, d, 1, Activation.of("identity", 0, 1));
        double[] w = new double[d];
        double[] g = new double[d];
        double worst = 0;
        for (int t = 0; t <= steps; t++) {
            Map<String, Double> expected = oracle.evaluate(w, g, null).asMap();
            Map<String, Double> engine = ctx.rows().get(t).values();
            for (String k : LogisticDiagnostics.COLUMNS) {
                double e = expected.get(k);
                worst = Math.max(worst, Math.abs(engine.get(k) - e) / Math.max(Math.abs(e), 1e-300));
                if (t == 0 && k.equals("normalized_margin")) {
                    assertThat(engine.get(k)).isZero(); // w = 0
                }
            }
            for (int k = 0; t < steps && k < d; k++) {
                w[k] = w[k] - eta * g[k];
            }
        }
        System.out.printf("logistic regression eta=%s: %s, worst relative difference %.2e%n", eta, summary, worst);
        assertThat(summary.get("risk_increases")).isPositive();
        assertThat(worst).isLessThan(1e-9);
    }
}
