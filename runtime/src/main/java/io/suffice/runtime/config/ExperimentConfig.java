package io.suffice.runtime.config;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A validated experiment: run settings, the selected components and the sweep axes. Immutable.
 *
 * @param run        section {@code run}
 * @param components selected plugins by section name, always including {@code task}
 * @param sweep      axes to expand, in config order; empty for a single run
 * @param tree       the resolved tree (defaults filled in), which is what the run folder's {@code config.yaml} holds
 */
public record ExperimentConfig(RunSettings run, Map<String, ComponentSelection> components, List<SweepAxis> sweep,
                               ConfigTree tree) {
    public ExperimentConfig {
        components = Map.copyOf(components);
        sweep = List.copyOf(sweep);
    }

    public Optional<ComponentSelection> component(String section) {
        return Optional.ofNullable(components.get(section));
    }
}
