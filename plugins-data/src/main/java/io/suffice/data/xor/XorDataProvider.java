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
        return "XOR data: corners (+-1, +-1) labelled x1*x2 plus Gaussian jitter and noise dimensions, ||x|| <= 1";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("n", 100, "number of points (corners used equally often)").atLeast(4),
                ParameterSpec.ofDouble("jitter", 0.2, "std of Gaussian jitter on the two signal coordinates (before "
                        + "scaling; 0 gives four exact corners, which one huge step separates)")
                        .nonNegative(),
                ParameterSpec.ofInt("noise-dims", 4, "number of extra pure-noise coordinates").nonNegative(),
                ParameterSpec.ofDouble("noise", 0.1, "std of the noise coordinates (before scaling)").nonNegative(),
                ParameterSpec.ofInt("seed", 0, "seed of the draw"));
    }

    @Override
    public Dataset create(PluginConfig c) {
        return new XorData(c.getInt("n"), c.getDouble("jitter"), c.getInt("noise-dims"), c.getDouble("noise"),
                c.getLong("seed"));
    }
}
