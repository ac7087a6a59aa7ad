package io.suffice.runtime.config;

import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code --set} as users mean it: a swept key set on the command line is no longer swept; a plugin switch drops foreign keys. */
class CommandLineOverridesTest {
    private final PluginRegistry registry =
            new PluginDiscovery(getClass().getClassLoader()).discover(Path.of("no-such-plugins-dir"));
    private final List<String> notes = new ArrayList<>();

    private ConfigTree apply(String yaml, String... sets) {
        return CommandLineOverrides.apply(ConfigResolverTest.yaml(yaml), List.of(sets), registry, notes::add);
    }

    @Test
    void aSetOnASweptKeyReplacesTheAxisByTheSingleValue() {
        ConfigTree t = apply("task: {name: quadratic}\noptimizer: {name: test-gd}\n"
                + "sweep: {optimizer.stepsize: [1, 10, 100], task.steps: [3, 4]}\n", "optimizer.stepsize=0.01");
        assertThat(t.get("optimizer.stepsize")).isEqualTo(0.01);
        assertThat(((Map<?, ?>) t.get("sweep")).keySet()).map(String::valueOf).containsExactlyInAnyOrder("task.steps");
        assertThat(notes).containsExactly("note: --set optimizer.stepsize=0.01 replaces the sweep axis "
                + "optimizer.stepsize = [1, 10, 100] by this single value");
        ExperimentConfig c = new ConfigResolver(registry).resolve(t, "x");
        assertThat(c.sweep()).extracting(SweepAxis::key).containsExactly("task.steps");
    }

    @Test
    void theLastAxisGoneLeavesASingleRunAndSweepKeysStillSetAxes() {
        ConfigTree t = apply("task: {name: quadratic}\noptimizer: {name: test-gd}\n"
                + "sweep: {optimizer.stepsize: [1, 10]}\n", "optimizer.stepsize=3", "sweep.task.steps=[5, 6]");
        assertThat(((Map<?, ?>) t.get("sweep")).keySet()).map(String::valueOf).containsExactlyInAnyOrder("task.steps");
        assertThat(new ConfigResolver(registry).resolve(t, "x").sweep()).hasSize(1);
        ConfigTree single = apply("task: {name: quadratic}\noptimizer: {name: test-gd}\n"
                + "sweep: {optimizer.stepsize: [1, 10]}\n", "optimizer.stepsize=3");
        assertThat(new ConfigResolver(registry).resolve(single, "x").sweep()).isEmpty();
    }

    @Test
    void switchingAPluginDropsTheKeysTheNewOneLacks() {
        ConfigTree t = apply("task: {name: quadratic}\noptimizer: {name: adamw, stepsize: 2, beta1: 0.9, "
                + "weight-decay: 0.01}\n", "optimizer.name=test-gd");
        assertThat(((Map<?, ?>) t.get("optimizer")).keySet()).map(String::valueOf).containsExactlyInAnyOrder("name", "stepsize");
        assertThat(notes).containsExactly("note: optimizer 'test-gd' has no beta1, weight-decay; dropped them");
        assertThat(new ConfigResolver(registry).resolve(t, "x").components().get("optimizer").config()
                .getDouble("stepsize")).isEqualTo(2.0);
    }

    @Test
    void plainSetsPrintNothing() {
        apply("task: {name: quadratic}\noptimizer: {name: test-gd}\n", "optimizer.stepsize=3", "task.steps=4");
        assertThat(notes).isEmpty();
    }
}
