package io.suffice.downstream;

import io.suffice.api.data.Dataset;
import io.suffice.api.optim.Optimizer;

import java.util.Map;
import java.util.function.DoubleFunction;

/**
 * Runs the {@code two-layer-gd} task in process for one stepsize, keeping the per-step metrics: the test-side
 * stand-in for a runtime sweep arm.
 *
 * @param summary the task's summary
 * @param context the context the run logged into
 */
record LargeStepsizeSweep(Map<String, Double> summary, FakeRunContext context) {

    static LargeStepsizeSweep run(Dataset data, TwoLayerGdSettings settings, double eta,
                                  DoubleFunction<Optimizer> optimizer) {
        FakeRunContext ctx = new FakeRunContext(data, () -> optimizer.apply(eta), 1);
        Map<String, Double> s = new TwoLayerGd(settings).run(ctx).summary();
        return new LargeStepsizeSweep(s, ctx);
    }

    double get(String key) {
        return summary.get(key);
    }

    /** The logged metric at the first logged step at or after {@code step}. */
    double at(String metric, long step) {
        return context.rows().stream().filter(r -> r.step() >= step).findFirst().orElseThrow()
                .values().get(metric);
    }

    @Override
    public String toString() {
        return String.format("transition=%.0f increases=%.0f steps_to_target=%.0f final_risk=%.3g max_risk=%.3g "
                        + "margin_at_transition=%.4f final_margin=%.4f", get("phase_transition_step"),
                get("risk_increases"), get("steps_to_target"), get("final_risk"), get("max_risk"),
                get("normalized_margin_at_transition"), get("final_normalized_margin"));
    }
}
