package io.suffice.optimizers;

import io.suffice.api.plugin.ParameterSpec;

import java.util.ArrayList;
import java.util.List;

/** Builds a plugin's parameter list: its own specs followed by the shared {@link UpdateOptions#parameters()}. */
final class OptimizerParameters {
    private OptimizerParameters() {
    }

    static List<ParameterSpec> withUpdateOptions(ParameterSpec... own) {
        List<ParameterSpec> all = new ArrayList<>(List.of(own));
        all.addAll(UpdateOptions.parameters());
        return List.copyOf(all);
    }
}
