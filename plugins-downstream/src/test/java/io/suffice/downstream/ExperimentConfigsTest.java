package io.suffice.downstream;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.suffice.api.data.Dataset;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.plugin.PluginProvider;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.TaskResult;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code experiments/large-stepsize-*.yaml} files name real plugins and only their declared parameters, and every
 * sweep arm runs (shortened to 100 steps) through the plugins found by {@link ServiceLoader}, as the runtime would.
 */
class ExperimentConfigsTest {

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"large-stepsize-xor", "large-stepsize-xor-adaptive", "large-stepsize-gaussian",
            "large-stepsize-fmnist"})
    void configNamesDeclaredParametersAndEveryArmRuns(String name) throws Exception {
        Path file = Path.of("..", "experiments", name + ".yaml");
        Map<String, Object> root = new ObjectMapper(new YAMLFactory()).readValue(Files.readString(file), Map.class);
        assertThat(root).containsKeys("run", "dataset", "task", "optimizer", "sweep");
        assertThat(((Map<String, Object>) root.get("run")).get("name")).isEqualTo(name);
        Map<String, Object> dataSection = (Map<String, Object>) root.get("dataset");
        Map<String, Object> taskSection = (Map<String, Object>) root.get("task");
        Map<String, Object> optSection = (Map<String, Object>) root.get("optimizer");
        DatasetProvider dp = find(DatasetProvider.class, (String) dataSection.get("name"));
        DownstreamTaskProvider tp = find(DownstreamTaskProvider.class, (String) taskSection.get("name"));
        OptimizerProvider op = find(OptimizerProvider.class, (String) optSection.get("name"));

        if (dp.name().equals("fashion-mnist")) {
            CiRequirement.require(Files.isDirectory(Path.of("/usr/share/datasets/fashion-mnist")),
                    "Debian package dataset-fashion-mnist");
        }
        Dataset data = dp.create(resolve(PluginKind.DATASET, dp, dataSection, Map.of()));
        Map<String, Object> shortRun = Map.of("steps", 100L);
        DownstreamTask task = tp.create(resolve(PluginKind.DOWNSTREAM, tp, taskSection, shortRun));
        Map<String, Object> sweep = (Map<String, Object>) root.get("sweep");
        assertThat(sweep).containsOnlyKeys("optimizer.stepsize");
        for (Object eta : (List<Object>) sweep.get("optimizer.stepsize")) {
            PluginConfig oc = resolve(PluginKind.OPTIMIZER, op, optSection, Map.of("stepsize", eta));
            TaskResult r = task.run(new FakeRunContext(data, () -> op.create(oc), 1));
            assertThat(r.summary().get("final_risk")).as("eta %s", eta).isFinite().isLessThan(0.7);
        }
    }

    private static <P extends PluginProvider<?>> P find(Class<P> service, String name) {
        for (P p : ServiceLoader.load(service)) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no " + service.getSimpleName() + " named " + name);
    }

    /** Defaults, then the section's values, then overrides, converted to the declared types. */
    private static PluginConfig resolve(PluginKind kind, PluginProvider<?> p, Map<String, Object> section,
                                        Map<String, Object> overrides) {
        Map<String, ParameterSpec> specs = new HashMap<>();
        Map<String, Object> values = new HashMap<>();
        for (ParameterSpec s : p.parameters()) {
            specs.put(s.name(), s);
            values.put(s.name(), s.defaultValue());
        }
        Map<String, Object> given = new HashMap<>(section);
        given.remove("name");
        given.putAll(overrides);
        for (Map.Entry<String, Object> e : given.entrySet()) {
            ParameterSpec s = specs.get(e.getKey());
            assertThat(s).as("%s '%s' declares parameter '%s'", kind.label(), p.name(), e.getKey()).isNotNull();
            values.put(e.getKey(), convert(s, e.getValue()));
        }
        return new PluginConfig(kind, p.name(), values);
    }

    private static Object convert(ParameterSpec s, Object v) {
        return switch (s.type()) {
            case INT -> ((Number) v).longValue();
            case DOUBLE -> ((Number) v).doubleValue();
            case INT_LIST -> ((List<?>) v).stream().map(o -> ((Number) o).longValue()).toList();
            case DOUBLE_LIST -> ((List<?>) v).stream().map(o -> ((Number) o).doubleValue()).toList();
            case STRING -> {
                assertThat(s.choices().isEmpty() || s.choices().contains(v)).as("%s = %s", s.name(), v).isTrue();
                yield v;
            }
            case BOOLEAN -> (Boolean) v;
        };
    }
}
