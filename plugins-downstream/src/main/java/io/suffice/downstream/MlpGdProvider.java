package io.suffice.downstream;

import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.Range;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.twolayer.Activation;

import java.util.List;

/** Plugin {@code mlp-gd}: see {@link MlpGd}. */
public final class MlpGdProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "mlp-gd";
    }

    @Override
    public String description() {
        return "bias-free L-layer perceptron on the logistic loss, all layers trained by the run's optimizer "
                + "(float64), margin normalised by ||W||^L, test accuracy on the dataset's held-out split";
    }

    @Override
    public List<ParameterSpec> parameters() {
        String[] names = Activation.NAMES.toArray(String[]::new);
        String[] geluFirst = new String[names.length];
        geluFirst[0] = "gelu";
        int k = 1;
        for (String a : names) {
            if (!a.equals("gelu")) {
                geluFirst[k++] = a;
            }
        }
        return List.of(
                ParameterSpec.ofInt("layers", 4, "number of weight matrices L (the paper's Fig. 1: 4)").atLeast(2),
                ParameterSpec.ofInt("width", 64, "hidden width m").atLeast(1),
                ParameterSpec.ofChoice("activation", "activation phi", geluFirst),
                ParameterSpec.ofDouble("leakiness", 0.5, "c of the leaky activations, in (0, 1)")
                        .in(new Range(0, false, 1, false)),
                ParameterSpec.ofDouble("init-scale", 1.0, "s of the N(0, s^2 / fan-in) initial entries").positive(),
                ParameterSpec.ofInt("steps", 2000, "number of optimizer steps").atLeast(1),
                ParameterSpec.ofInt("log-every", 10, "write a metrics row every this many steps").atLeast(1),
                ParameterSpec.ofDouble("target-risk", 1e-3, "risk whose first-reaching step is reported"));
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        return new MlpGd(new MlpGdSettings(c.getInt("layers"), c.getInt("width"), c.getString("activation"),
                c.getDouble("leakiness"), c.getDouble("init-scale"), c.getLong("steps"), c.getLong("log-every"),
                c.getDouble("target-risk")));
    }
}
