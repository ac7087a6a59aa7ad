package io.suffice.data.toy;

import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/** Plugin {@code five-points}: see {@link FivePoints}. */
public final class FivePointsProvider implements DatasetProvider {
    @Override
    public String name() {
        return "five-points";
    }

    @Override
    public String description() {
        return "five separable points in R^3 with max-margin 0.05 (the toy of the large-stepsize paper's Fig. 4)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of();
    }

    @Override
    public Dataset create(PluginConfig c) {
        return new FivePoints();
    }
}
