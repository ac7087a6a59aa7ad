package io.suffice.data.xor;

import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code xor}: see {@link XorData}. */
public final class XorDataProvider implements DatasetProvider {
    @Override
    public String name() {
        return "xor";
    }

    @Override
    public String description() {
        return "XOR data: corners (+-1, +-1) labelled x1*x2, optional jitter and noise dimensions, ||x|| <= 1";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("n", 100, "number of points (corners used equally often)"),
                ParameterSpec.ofDouble("jitter", 0.0, "std of Gaussian jitter on the two signal coordinates (before scaling)"),
                ParameterSpec.ofInt("noise-dims", 0, "number of extra pure-noise coordinates"),
                ParameterSpec.ofDouble("noise", 0.1, "std of the noise coordinates (before scaling)"),
                ParameterSpec.ofInt("seed", 0, "seed of the draw"));
    }

    @Override
    public Dataset create(PluginConfig c) {
        if (c.getInt("n") < 4) {
            throw c.invalid("n", "must be at least 4");
        }
        if (c.getInt("noise-dims") < 0) {
            throw c.invalid("noise-dims", "must be >= 0");
        }
        for (String k : List.of("jitter", "noise")) {
            if (!(c.getDouble(k) >= 0) || Double.isInfinite(c.getDouble(k))) {
                throw c.invalid(k, "must be a finite number >= 0");
            }
        }
        return new XorData(c.getInt("n"), c.getDouble("jitter"), c.getInt("noise-dims"), c.getDouble("noise"),
                c.getLong("seed"));
    }
}
