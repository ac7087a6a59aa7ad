package io.suffice.downstream;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.Range;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.twolayer.Activation;

import java.util.List;

/** Plugin {@code two-layer-gd}: see {@link TwoLayerGd}. */
public final class TwoLayerGdProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "two-layer-gd";
    }

    @Override
    public String description() {
        return "two-layer network (1/m) sum_j a_j phi(w_j . x) on the logistic loss, trained by the run's optimizer "
                + "(float64 engine graph), with phase-transition and margin diagnostics";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("width", 64, "hidden units m (output signs fixed, half +1, half -1)").atLeast(1),
                ParameterSpec.ofChoice("activation", "activation phi", Activation.NAMES.toArray(String[]::new)),
                ParameterSpec.ofDouble("leakiness", 0.5, "c of the leaky activations, in (0, 1)")
                        .in(new Range(0, false, 1, false)),
                ParameterSpec.ofDouble("huber", 1.0, "threshold h of the (leaky) Huberized ReLU, > 0").positive(),
                ParameterSpec.ofDouble("init-scale", 1.0, "standard deviation of the N(0, s^2) entries of W at start")
                        .nonNegative(),
                ParameterSpec.ofInt("steps", 10000, "number of optimizer steps T").atLeast(1),
                ParameterSpec.ofInt("log-every", 10, "write a metrics row every this many steps").atLeast(1),
                ParameterSpec.ofDouble("target-risk", 1e-3, "risk whose first-reaching step is reported"),
                ParameterSpec.ofInt("batch-size", 0,
                        "minibatch size for sgd, rows drawn per step from (seed, step) (0: full batch)").nonNegative(),
                ParameterSpec.ofChoice("precision", "float64 (exact, the experiments) or float32 (benchmarks: the "
                        + "float32 step of the PyTorch peer)", TwoLayerGdSettings.FLOAT64, TwoLayerGdSettings.FLOAT32),
                ParameterSpec.ofBoolean("neuron-margins", false, "also report each neuron's own normalized margin "
                        + "min_i y_i a_j phi(w_j . x_i) / ||w_j|| (neuron_margin_j; for small widths)"));
    }

    /** The declared ranges cover every rule (leakiness in (0, 1), huber &gt; 0, ...); create trusts them. */
    @Override
    public DownstreamTask create(PluginConfig c) {
        return new TwoLayerGd(new TwoLayerGdSettings(c.getInt("width"), c.getString("activation"),
                c.getDouble("leakiness"), c.getDouble("huber"), c.getDouble("init-scale"), c.getLong("steps"),
                c.getLong("log-every"), c.getDouble("target-risk"), c.getInt("batch-size"), c.getString("precision"),
                c.getBoolean("neuron-margins")));
    }
}
