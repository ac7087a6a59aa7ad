package io.suffice.downstream;

import io.suffice.api.train.TrainingDivergedException;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.tensor.HostTensor;
import io.suffice.data.SeparableGaussians;
import io.suffice.data.xor.XorData;
import io.suffice.optimizers.GradientDescent;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TwoLayerGdTest {

    private static TwoLayerGdSettings settings(long steps, int batch) {
        return new TwoLayerGdSettings(8, "leaky-softplus", 0.5, 1, 1, steps, 5, 0.3, batch);
    }

    @Test
    void logsEveryStepsAndSummarizes() {
        FakeRunContext ctx = new FakeRunContext(new XorData(20, 0.1, 1, 0.1, 0), () -> new GradientDescent(10), 3);
        Map<String, Double> s = new TwoLayerGd(settings(12, 0)).run(ctx).summary();
        assertThat(ctx.rows()).extracting(FakeRunContext.Row::step).containsExactly(0L, 5L, 10L, 12L);
        // the task's columns, then what the training core adds to every row
        assertThat(ctx.rows().get(0).values()).containsOnlyKeys("risk", "grad_norm", "param_norm",
                "normalized_margin", "accuracy", "risk_mean", "steps_per_s");
        assertThat(s).containsKeys("final_risk", "final_normalized_margin", "phase_transition_step",
                "steps_to_target", "risk_increases", "normalized_margin_at_transition", "max_risk");
        assertThat(s.get("final_risk")).isEqualTo(ctx.rows().get(3).values().get("risk"));
        assertThat(ctx.series("risk")[3]).isLessThan(ctx.series("risk")[0]);
    }

    @Test
    void runsAreDeterministicForASeedAndDependOnIt() {
        XorData data = new XorData(20, 0.1, 1, 0.1, 0);
        double a = new TwoLayerGd(settings(5, 0)).run(new FakeRunContext(data, () -> new GradientDescent(1), 3))
                .summary().get("final_risk");
        double b = new TwoLayerGd(settings(5, 0)).run(new FakeRunContext(data, () -> new GradientDescent(1), 3))
                .summary().get("final_risk");
        double c = new TwoLayerGd(settings(5, 0)).run(new FakeRunContext(data, () -> new GradientDescent(1), 4))
                .summary().get("final_risk");
        assertThat(a).isEqualTo(b).isNotEqualTo(c);
    }

    @Test
    void minibatchesGiveAStochasticButDescendingRun() {
        SeparableGaussians data = new SeparableGaussians(64, 5, 1, 1, 0);
        FakeRunContext full = new FakeRunContext(data, () -> new GradientDescent(50), 1);
        FakeRunContext sgd = new FakeRunContext(data, () -> new GradientDescent(50), 1);
        double fullRisk = new TwoLayerGd(settings(40, 0)).run(full).summary().get("final_risk");
        double sgdRisk = new TwoLayerGd(settings(40, 8)).run(sgd).summary().get("final_risk");
        assertThat(sgdRisk).isNotEqualTo(fullRisk).isLessThan(sgd.series("risk")[0] * 0.8);
    }

    @Test
    void nonFiniteValuesStopTheRunNamingTheStep() {
        Optimizer poison = new Optimizer() {
            @Override
            public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
                if (info.step() == 3) {
                    params.get(0).doubles().put(0, Double.NaN);
                }
            }
        };
        FakeRunContext ctx = new FakeRunContext(new XorData(8, 0, 0, 0, 0), () -> poison, 1);
        assertThatThrownBy(() -> new TwoLayerGd(settings(10, 0)).run(ctx))
                .isInstanceOf(TrainingDivergedException.class)
                .hasMessageContaining("diverged at step 4")
                .hasMessageContaining("risk=NaN")
                .hasMessageContaining("last finite values: {risk=0.6");
    }

    @Test
    void hugeStepsizesStayFinite() {
        FakeRunContext ctx = new FakeRunContext(new XorData(8, 0, 0, 0, 0), () -> new GradientDescent(1e12), 1);
        Map<String, Double> s = new TwoLayerGd(settings(50, 0)).run(ctx).summary();
        assertThat(s.get("max_risk")).isFinite().isGreaterThan(1e3);
        assertThat(s.get("final_param_norm")).isFinite();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 16})
    void stepsThenResumeToTwiceAsManyEqualsTheStraightRun(int batch) {
        SeparableGaussians data = new SeparableGaussians(64, 5, 0.1, 1, 0);
        TwoLayerGdSettings half = new TwoLayerGdSettings(8, "leaky-gelu", 0.5, 1, 1, 30, 4, 0.3, batch);
        TwoLayerGdSettings full = new TwoLayerGdSettings(8, "leaky-gelu", 0.5, 1, 1, 60, 4, 0.3, batch);
        FakeRunContext first = new FakeRunContext(data, () -> new GradientDescent(3000), 1);
        new TwoLayerGd(half).run(first);
        FakeRunContext resumed = new FakeRunContext(data, () -> new GradientDescent(3000), 1)
                .resume(first.directory());
        Map<String, Double> r = new TwoLayerGd(full).run(resumed).summary();
        FakeRunContext straight = new FakeRunContext(data, () -> new GradientDescent(3000), 1);
        Map<String, Double> s = new TwoLayerGd(full).run(straight).summary();
        assertThat(s.get("risk_increases")).as("the run oscillates: the tracker's state matters").isPositive();
        assertThat(r).isEqualTo(s);
        List<FakeRunContext.Row> tail = straight.rows().stream().filter(row -> row.step() >= 30).toList();
        assertThat(resumed.rows()).hasSameSizeAs(tail);
        for (int k = 0; k < tail.size(); k++) {
            assertThat(resumed.rows().get(k).step()).isEqualTo(tail.get(k).step());
            for (String c : LogisticDiagnostics.COLUMNS) {
                assertThat(resumed.rows().get(k).values().get(c)).as("%s at step %d", c, tail.get(k).step())
                        .isEqualTo(tail.get(k).values().get(c));
            }
        }
    }

    @Test
    void float32PrecisionTrainsTheSameNetworkToFloat32Accuracy() {
        XorData data = new XorData(20, 0.1, 1, 0.1, 0);
        TwoLayerGdSettings f64 = new TwoLayerGdSettings(8, "leaky-gelu", 0.5, 1, 1, 20, 5, 0.3, 0);
        TwoLayerGdSettings f32 = new TwoLayerGdSettings(8, "leaky-gelu", 0.5, 1, 1, 20, 5, 0.3, 0, "float32");
        double a = new TwoLayerGd(f64).run(new FakeRunContext(data, () -> new GradientDescent(10), 3)).summary()
                .get("final_risk");
        double b = new TwoLayerGd(f32).run(new FakeRunContext(data, () -> new GradientDescent(10), 3)).summary()
                .get("final_risk");
        assertThat(b).isNotEqualTo(a).isCloseTo(a, org.assertj.core.api.Assertions.within(1e-5));
    }

    @Test
    void providerDeclaresTheRangesOfItsParameters() {
        TwoLayerGdProvider p = new TwoLayerGdProvider();
        assertThat(p.create(config(p, Map.of()))).isInstanceOf(TwoLayerGd.class);
        assertThat(p.create(config(p, Map.of("precision", "float32")))).isInstanceOf(TwoLayerGd.class);
        Map<String, ParameterSpec> specs = new HashMap<>();
        p.parameters().forEach(s -> specs.put(s.name(), s));
        assertThat(specs.get("width").range().contains(0)).isFalse();
        assertThat(specs.get("leakiness").range().contains(1.5)).isFalse();
        assertThat(specs.get("leakiness").range().contains(0)).isFalse();
        assertThat(specs.get("leakiness").range().contains(0.5)).isTrue();
        assertThat(specs.get("huber").range().contains(0)).isFalse();
        assertThat(specs.get("init-scale").range().contains(0)).isTrue();
        assertThat(specs.get("batch-size").range().contains(-1)).isFalse();
        assertThat(specs.get("steps").range().contains(0)).isFalse();
        assertThat(specs.get("log-every").range().contains(0)).isFalse();
        assertThatThrownBy(() -> p.create(config(p, Map.of("batch-size", -1L)))).hasMessageContaining("batch-size");
    }

    private static PluginConfig config(TwoLayerGdProvider p, Map<String, Object> values) {
        Map<String, Object> all = new HashMap<>();
        for (ParameterSpec s : p.parameters()) {
            all.put(s.name(), s.defaultValue());
        }
        all.putAll(values);
        return new PluginConfig(PluginKind.DOWNSTREAM, p.name(), all);
    }
}
