package io.suffice.downstream.generative;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.EncoderProvider;
import io.suffice.api.plugin.OptimizerProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.plugin.PluginProvider;
import io.suffice.api.task.DownstreamTask;
import io.suffice.downstream.CreatedComponents;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The generative experiment files name real plugins and only their declared parameters, every sweep value of
 * {@code task.conditioning} is a valid choice, and every section creates its component with the section's values
 * (nothing is run).
 */
class GenerativeConfigsTest {

    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"denoise-jghm", "denoise-jghm-paper", "vlm-jghm", "vlm-jghm-paper", "diffusion-jghm",
            "denoise-jghm-shift", "vlm-jghm-shift"})
    void configNamesDeclaredParametersAndCreatesItsComponents(String name) throws Exception {
        String text = Files.readString(Path.of("..", "experiments", name + ".yaml"));
        Map<String, Object> root = new ObjectMapper(new YAMLFactory()).readValue(text, Map.class);
        assertThat(((Map<String, Object>) root.get("run")).get("name")).isEqualTo(name);
        // the task's own checkpoints and resume are the training core's run.* keys; clip runs are named by folder
        assertThat(text).doesNotContain("task.resume", "task.checkpoint-every", "checkpoint.bin");
        Map<String, Object> task = (Map<String, Object>) root.get("task");
        DownstreamTaskProvider tp = find(DownstreamTaskProvider.class, (String) task.get("name"));
        PluginConfig tc = resolve(PluginKind.DOWNSTREAM, tp, task, Map.of());
        assertSettings(tp.create(tc), tc);
        Map<String, Object> sweep = (Map<String, Object>) root.getOrDefault("sweep", Map.of());
        for (Object c : (List<Object>) sweep.getOrDefault("task.conditioning", List.of())) {
            PluginConfig arm = resolve(PluginKind.DOWNSTREAM, tp, task, Map.of("conditioning", c));
            GenerativeSettings st = assertSettings(tp.create(arm), arm);
            assertThat(st.conditioning().label()).isEqualTo(c);
        }
        assertThat(sweep.keySet()).allMatch(k -> List.of("task.conditioning", "dataset.p", "dataset.bp-p").contains(k));
        Map<String, Object> data = (Map<String, Object>) root.get("dataset");
        DatasetProvider dp = find(DatasetProvider.class, (String) data.get("name"));
        PluginConfig dc = resolve(PluginKind.DATASET, dp, data, Map.of());
        Dataset base = dp.create(dc);
        CreatedComponents.assertJghm(base, dc);
        assertThat(base.oracle()).isPresent();
        for (String k : List.of("p", "bp-p")) {
            for (Object v : (List<Object>) sweep.getOrDefault("dataset." + k, List.of())) {
                PluginConfig arm = resolve(PluginKind.DATASET, dp, data, Map.of(k, v));
                Dataset d = dp.create(arm);
                CreatedComponents.assertJghm(d, arm);
                assertThat(d.oracle()).isPresent();
            }
        }
        Map<String, Object> enc = (Map<String, Object>) root.get("encoder");
        EncoderProvider ep = find(EncoderProvider.class, (String) enc.get("name"));
        PluginConfig ec = resolve(PluginKind.ENCODER, ep, enc, Map.of());
        CreatedComponents.assertTransformer(ep.create(ec), ec);
        Map<String, Object> opt = (Map<String, Object>) root.get("optimizer");
        OptimizerProvider op = find(OptimizerProvider.class, (String) opt.get("name"));
        PluginConfig oc = resolve(PluginKind.OPTIMIZER, op, opt, Map.of());
        CreatedComponents.assertAdamWFirstStep(op.create(oc), oc);
    }

    /**
     * The task's shared settings are the config's values (the task-specific keys, such as the noise schedule or the
     * caption count, live in records that the tasks keep private).
     */
    private static GenerativeSettings assertSettings(DownstreamTask task, PluginConfig c) {
        assertThat(task).isInstanceOf(GenerativeTask.class);
        GenerativeSettings st = ((GenerativeTask<?>) task).settings;
        assertThat(st.conditioning()).isEqualTo(Conditioning.parse(c.getString("conditioning")));
        assertThat(List.of(st.steps(), st.logEvery(), st.clipSteps())).isEqualTo(List.of(c.getLong("steps"),
                c.getLong("log-every"), c.getLong("clip-steps")));
        assertThat(List.of(st.batch(), st.width(), st.depth(), st.heads(), st.evalSamples(), st.clipBatch()))
                .isEqualTo(List.of(c.getInt("batch"), c.getInt("width"), c.getInt("depth"), c.getInt("heads"),
                        c.getInt("eval-samples"), c.getInt("clip-batch")));
        assertThat(List.of(st.checkpoint(), st.imageField(), st.textField())).isEqualTo(List.of(
                c.getString("checkpoint"), c.getString("image-field"), c.getString("text-field")));
        return st;
    }

    /**
     * A shift config resumes the training run's checkpoint ({@code run.resume}), so its sections must build the same
     * model: equal encoder and optimizer sections, the same task section up to the caption settings, the same
     * dataset up to bp-p; it sweeps dataset.p x dataset.bp-p with task.steps equal to the training run's (evaluation
     * only).
     */
    @SuppressWarnings("unchecked")
    @ParameterizedTest
    @ValueSource(strings = {"denoise-jghm", "vlm-jghm"})
    void aShiftConfigDescribesTheModelOfItsTrainingConfig(String training) throws Exception {
        ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
        Map<String, Object> train = yaml.readValue(Files.readString(Path.of("..", "experiments", training + ".yaml")),
                Map.class);
        String text = Files.readString(Path.of("..", "experiments", training + "-shift.yaml"));
        Map<String, Object> shift = yaml.readValue(text, Map.class);
        assertThat(text).contains("./suffice run experiments/" + training + "-shift.yaml --set run.resume=runs/"
                + training + "-");
        assertThat(shift.get("encoder")).isEqualTo(train.get("encoder"));
        assertThat(shift.get("optimizer")).isEqualTo(train.get("optimizer"));
        Map<String, Object> run = (Map<String, Object>) shift.get("run");
        assertThat(run.get("seed")).isEqualTo(((Map<String, Object>) train.get("run")).get("seed"));
        assertThat(run.get("resume")).as("run.resume, given on the command line").isEqualTo("");
        Map<String, Object> data = new HashMap<>((Map<String, Object>) shift.get("dataset"));
        assertThat(data.remove("bp-p")).isEqualTo(-1);
        assertThat(data).isEqualTo(train.get("dataset"));
        Map<String, Object> task = new HashMap<>((Map<String, Object>) shift.get("task"));
        Map<String, Object> trainTask = new HashMap<>((Map<String, Object>) train.get("task"));
        for (String k : List.of("captions", "caption-eval")) {
            task.remove(k);
            trainTask.remove(k);
        }
        assertThat(task).isEqualTo(trainTask);
        Map<String, Object> sweep = (Map<String, Object>) shift.get("sweep");
        assertThat(sweep).containsOnlyKeys("dataset.p", "dataset.bp-p");
        assertThat((List<Object>) sweep.get("dataset.p")).containsExactly(0.1, 0.15, 0.2, 0.25, 0.3);
        assertThat((List<Object>) sweep.get("dataset.bp-p")).containsExactly(-1, 0.2);
    }

    /**
     * The three tasks declare the shared keys once, with their ranges (checked when a config is resolved); only the
     * checks that relate two keys remain in the providers.
     */
    @ParameterizedTest
    @ValueSource(strings = {"denoise", "vlm", "diffusion"})
    void theSharedKeysAreDeclaredOnceWithTheirRanges(String name) {
        DownstreamTaskProvider tp = find(DownstreamTaskProvider.class, name);
        Map<String, ParameterSpec> specs = new HashMap<>();
        tp.parameters().forEach(s -> specs.put(s.name(), s));
        assertThat(specs).containsKeys("conditioning", "steps", "batch", "width", "depth", "heads", "log-every",
                "eval-samples", "checkpoint", "clip-steps", "clip-batch", "image-field", "text-field")
                .doesNotContainKeys("resume", "checkpoint-every");
        for (String k : List.of("steps", "batch", "width", "depth", "heads", "log-every", "eval-samples",
                "clip-steps", "clip-batch")) {
            assertThat(specs.get(k).range().contains(0)).as(k).isFalse();
            assertThat(specs.get(k).range().contains(1)).as(k).isTrue();
        }
        assertThatThrownBy(() -> tp.validate(resolve(PluginKind.DOWNSTREAM, tp, Map.of("name", name),
                Map.of("width", 30, "heads", 4)))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("heads").hasMessageContaining("must divide width 30");
    }

    private static <P extends PluginProvider<?>> P find(Class<P> service, String name) {
        for (P p : ServiceLoader.load(service)) {
            if (p.name().equals(name)) {
                return p;
            }
        }
        throw new AssertionError("no " + service.getSimpleName() + " named " + name);
    }

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
            Object v = e.getValue();
            values.put(e.getKey(), switch (s.type()) {
                case INT -> ((Number) v).longValue();
                case DOUBLE -> ((Number) v).doubleValue();
                case INT_LIST -> ((List<?>) v).stream().map(o -> ((Number) o).longValue()).toList();
                case DOUBLE_LIST -> ((List<?>) v).stream().map(o -> ((Number) o).doubleValue()).toList();
                case STRING -> {
                    assertThat(s.choices().isEmpty() || s.choices().contains(v)).as("%s = %s", s.name(), v).isTrue();
                    yield v;
                }
                case BOOLEAN -> (Boolean) v;
            });
        }
        return new PluginConfig(kind, p.name(), values);
    }
}
