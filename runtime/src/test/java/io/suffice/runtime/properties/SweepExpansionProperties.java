package io.suffice.runtime.properties;

import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The law of a sweep: it expands to the Cartesian product of its axes, one arm per combination (count = product of
 * the axis lengths, no combination twice or missing), each arm a valid experiment of its own whose swept keys hold
 * the arm's values, whose other keys are the base config's, and which has no sweep left.
 */
class SweepExpansionProperties {
    private static final PluginRegistry REGISTRY =
            new PluginDiscovery(SweepExpansionProperties.class.getClassLoader()).discover(Path.of("no-plugins-here"));
    private final ConfigResolver resolver = new ConfigResolver(REGISTRY);

    /** Sweepable keys of the test plugins with generators of valid values. */
    private static final Map<String, Arbitrary<?>> AXES = Map.of(
            "optimizer.stepsize", Arbitraries.doubles().between(1e-6, 1e6).ofScale(9),
            "task.steps", Arbitraries.integers().between(0, 50).map(Integer::longValue),
            "task.mode", Arbitraries.of("plain", "fancy"),
            "task.flag", Arbitraries.of(true, false)); // run settings cannot be swept

    @Provide
    Arbitrary<Map<String, List<Object>>> sweeps() {
        return Arbitraries.subsetOf(AXES.keySet()).ofMinSize(1).flatMap(keys -> {
            List<String> ordered = new ArrayList<>(keys);
            java.util.Collections.sort(ordered);
            List<Arbitrary<List<Object>>> lists = new ArrayList<>();
            for (String k : ordered) {
                @SuppressWarnings("unchecked")
                Arbitrary<Object> values = (Arbitrary<Object>) AXES.get(k);
                lists.add(values.list().ofMinSize(1).ofMaxSize(4).uniqueElements());
            }
            return net.jqwik.api.Combinators.combine(lists).as(l -> {
                Map<String, List<Object>> m = new LinkedHashMap<>();
                for (int i = 0; i < ordered.size(); i++) {
                    m.put(ordered.get(i), l.get(i));
                }
                return m;
            });
        });
    }

    @Property(tries = 60)
    void armsAreTheCartesianProductOfTheAxes(@ForAll("sweeps") Map<String, List<Object>> sweep,
                                              @ForAll @IntRange(min = 1, max = 9) int baseSteps) {
        ConfigTree tree = ConfigTree.empty()
                .with("run.name", "sweep")
                .with("task.name", "quadratic").with("task.steps", (long) baseSteps)
                .with("task.weights", List.of(0.5, 2.0)) // fancy mode needs two
                .with("optimizer.name", "test-gd").with("optimizer.stepsize", 0.25)
                .with("sweep", new LinkedHashMap<>(sweep));
        ExperimentConfig config = resolver.resolve(tree, "sweep");
        List<SweepExpansion.Arm> arms = SweepExpansion.expand(config, resolver);

        long product = sweep.values().stream().mapToLong(List::size).reduce(1, (a, b) -> a * b);
        assertThat(arms).hasSize((int) product);
        Set<Map<String, Object>> seen = new HashSet<>();
        for (int i = 0; i < arms.size(); i++) {
            SweepExpansion.Arm arm = arms.get(i);
            assertThat(arm.index()).isEqualTo(i);
            assertThat(arm.values().keySet()).containsExactlyInAnyOrderElementsOf(sweep.keySet());
            assertThat(seen.add(arm.values())).as("combination %s twice", arm.values()).isTrue();
            ExperimentConfig c = arm.config();
            assertThat(c.sweep()).isEmpty();
            arm.values().forEach((k, v) -> {
                assertThat(sweep.get(k)).contains(v);
                assertThat(c.tree().get(k)).as(k).isEqualTo(v);
            });
            if (!sweep.containsKey("task.steps")) {
                assertThat(c.tree().get("task.steps")).isEqualTo((long) baseSteps);
            }
            assertThat(c.tree().get("task.weights")).isEqualTo(List.of(0.5, 2.0));
            // valid on its own: the arm's resolved tree resolves again to the same experiment
            ExperimentConfig again = resolver.resolve(c.tree(), "other");
            assertThat(again.components()).isEqualTo(c.components());
        }
    }
}
