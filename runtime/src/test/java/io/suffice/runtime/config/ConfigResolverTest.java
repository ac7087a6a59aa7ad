package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import io.suffice.api.plugin.PluginKind;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigResolverTest {
    private final PluginRegistry registry =
            new PluginDiscovery(getClass().getClassLoader()).discover(Path.of("no-such-plugins-dir"));
    private final ConfigResolver resolver = new ConfigResolver(registry);

    static ConfigTree yaml(String text) {
        return ConfigTree.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)), "test.yaml");
    }

    private ExperimentConfig resolve(String text) {
        return resolver.resolve(yaml(text), "test");
    }

    @Test
    void fillsDefaultsAndConvertsTypes() {
        ExperimentConfig c = resolve("task: {name: quadratic, steps: 7, weights: '0.5, 2'}\n"
                + "optimizer: {name: test-gd}\n");
        assertThat(c.run().name()).isEqualTo("test");
        assertThat(c.run().seed()).isZero();
        var task = c.component("task").orElseThrow().config();
        assertThat(task.kind()).isEqualTo(PluginKind.DOWNSTREAM);
        assertThat(task.getLong("steps")).isEqualTo(7);
        assertThat(task.getDoubleList("weights")).containsExactly(0.5, 2.0);
        assertThat(task.getString("mode")).isEqualTo("plain");
        assertThat(c.component("optimizer").orElseThrow().config().getDouble("stepsize")).isEqualTo(0.5);
        assertThat(c.tree().toYaml()).contains("stepsize: 0.5").contains("mode: plain").contains("seed: 0");
    }

    @Test
    void resolvedTreeResolvesToTheSameConfig() {
        ExperimentConfig c = resolve("run: {name: x, seed: 4}\ntask: {name: quadratic, steps: 2}\n"
                + "optimizer: {name: test-gd, stepsize: 3}\n");
        ExperimentConfig again = resolver.resolve(yaml(c.tree().toYaml()), "other");
        assertThat(again.components()).isEqualTo(c.components());
        assertThat(again.run()).isEqualTo(c.run());
    }

    @Test
    void overridesFromTheCommandLineAreTyped() {
        ConfigTree t = yaml("task: {name: quadratic}\noptimizer: {name: test-gd}\n")
                .withOverride("optimizer.stepsize=8")
                .withOverride("task.mode=fancy")
                .withOverride("task.weights=[1, 2.5]")
                .withOverride("sweep.optimizer.stepsize=[1, 10]");
        ExperimentConfig c = resolver.resolve(t, "test");
        assertThat(c.component("optimizer").orElseThrow().config().getDouble("stepsize")).isEqualTo(8.0);
        assertThat(c.component("task").orElseThrow().config().getString("mode")).isEqualTo("fancy");
        assertThat(c.component("task").orElseThrow().config().getDoubleList("weights")).containsExactly(1.0, 2.5);
        assertThat(c.sweep()).containsExactly(new SweepAxis("optimizer.stepsize", List.of(1, 10)));
    }

    @Test
    void unknownKeyNamesKeyValueAndChoices() {
        assertThatThrownBy(() -> resolve("task: {name: quadratic}\noptimizer: {name: test-gd, stepsze: 8}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("optimizer.stepsze = 8: unknown key for optimizer 'test-gd'; choices: [stepsize]");
    }

    @Test
    void wrongTypeNamesKeyValueAndType() {
        assertThatThrownBy(() -> resolve("task: {name: quadratic, steps: 2.5}"))
                .hasMessage("task.steps = 2.5: expected int for downstream 'quadratic' (not an integer)");
        assertThatThrownBy(() -> resolve("task: {name: quadratic}\noptimizer: {name: test-gd, stepsize: fast}"))
                .hasMessage("optimizer.stepsize = fast: expected double for optimizer 'test-gd' (not a number)");
        assertThatThrownBy(() -> resolve("task: {name: quadratic, flag: yes please}"))
                .hasMessageStartingWith("task.flag = yes please: expected boolean");
    }

    @Test
    void valueOutsideChoicesListsThem() {
        assertThatThrownBy(() -> resolve("task: {name: quadratic, mode: odd}"))
                .hasMessage("task.mode = odd: not a valid value for downstream 'quadratic'; choices: [plain, fancy]");
    }

    @Test
    void unknownPluginNameListsTheChoices() {
        assertThatThrownBy(() -> resolve("task: {name: quadratic}\noptimizer: {name: adam}"))
                .hasMessage("optimizer.name = adam: unknown optimizer plugin; choices: [test-gd]");
    }

    @Test
    void unknownSectionAndRunKeyAreErrors() {
        assertThatThrownBy(() -> resolve("task: {name: quadratic}\noptimiser: {name: test-gd}"))
                .hasMessage("optimiser: unknown config section; choices: [run, sweep, task, dataset, encoder, "
                        + "text-encoder, optimizer]");
        assertThatThrownBy(() -> resolve("run: {seeds: 3}\ntask: {name: quadratic}"))
                .hasMessage("run.seeds = 3: unknown key; choices: [name, seed, output, plugins, parallel, device, "
                        + "checkpoint-every, resume, export, executor, slurm]");
    }

    @Test
    void declaredRangesAreCheckedWhenResolvingWithKeyValueAndRange() {
        for (String bad : List.of("0", "-1", "NaN", "Infinity", "-Infinity")) {
            assertThatThrownBy(() -> resolve("task: {name: quadratic}\noptimizer: {name: test-gd, stepsize: " + bad
                    + "}")).isInstanceOf(ConfigException.class)
                    .hasMessageMatching("optimizer.stepsize = \\S+: must be > 0 for optimizer 'test-gd' \\(stepsize\\)");
        }
        assertThatThrownBy(() -> resolve("task: {name: quadratic, steps: 1.0e400}")).isInstanceOf(ConfigException.class);
    }

    @Test
    void aProvidersCrossParameterRuleIsAConfigurationErrorForEveryArm() {
        assertThatThrownBy(() -> resolve("task: {name: quadratic, mode: fancy}"))
                .isInstanceOf(ConfigException.class)
                .hasMessage("task: downstream 'quadratic' parameter weights = [1.0]: fancy mode needs two weights");
        ExperimentConfig c = resolve("task: {name: quadratic, weights: [1, 2]}\nsweep: {task.mode: [plain, fancy], "
                + "task.weights: [[1], [1, 2]]}");
        assertThatThrownBy(() -> SweepExpansion.expand(c, resolver)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("fancy mode needs two weights");
    }

    @Test
    void runCheckpointResumeAndExportAreValidated() {
        assertThat(resolve("run: {checkpoint-every: 50, export: onnx}\ntask: {name: quadratic}").run())
                .satisfies(r -> {
                    assertThat(r.checkpointEvery()).isEqualTo(50);
                    assertThat(r.export()).containsExactly("onnx");
                    assertThat(r.resume()).isEmpty();
                });
        assertThatThrownBy(() -> resolve("run: {checkpoint-every: -1}\ntask: {name: quadratic}"))
                .hasMessageStartingWith("run.checkpoint-every = -1: must be >= 0");
        assertThatThrownBy(() -> resolve("run: {export: [onnx, torchscript]}\ntask: {name: quadratic}"))
                .hasMessage("run.export = [onnx, torchscript]: unknown format 'torchscript'; choices: [onnx]");
    }

    @Test
    void runDeviceIsValidatedAndDefaultsToCpu() {
        assertThat(resolve("task: {name: quadratic}").run().device()).isEqualTo("cpu");
        assertThat(resolve("run: {device: CUDA:1}\ntask: {name: quadratic}").run().device()).isEqualTo("cuda:1");
        assertThatThrownBy(() -> resolve("run: {device: tpu}\ntask: {name: quadratic}"))
                .hasMessage("run.device = tpu: choices: cpu, cuda, cuda:N");
    }

    @Test
    void missingTaskSaysWhatToWrite() {
        assertThatThrownBy(() -> resolve("optimizer: {name: test-gd}"))
                .hasMessageStartingWith("task: missing section")
                .hasMessageContaining("[failing, quadratic, unrecordable]");
    }

    @Test
    void malformedYamlNamesFileAndLine() {
        assertThatThrownBy(() -> yaml("task: {name: quadratic\nfoo: [1, 2"))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("test.yaml: invalid YAML")
                .hasMessageContaining("line");
    }

    @Test
    void sweepExpandsToAGridWithEveryArmValidated() {
        ExperimentConfig c = resolve("task: {name: quadratic}\noptimizer: {name: test-gd}\n"
                + "sweep: {optimizer.stepsize: [0.1, 1], task.steps: [2, 3, 4]}");
        var arms = SweepExpansion.expand(c, resolver);
        assertThat(arms).hasSize(6);
        assertThat(arms.get(4).label()).isEqualTo("004-optimizer.stepsize=1-task.steps=3");
        assertThat(arms.get(4).config().component("task").orElseThrow().config().getLong("steps")).isEqualTo(3);
        assertThat(arms.get(4).config().sweep()).isEmpty();

        ExperimentConfig bad = resolve("task: {name: quadratic}\noptimizer: {name: test-gd}\n"
                + "sweep: {optimizer.stepsize: [0.1, fast]}");
        assertThatThrownBy(() -> SweepExpansion.expand(bad, resolver))
                .hasMessageStartingWith("optimizer.stepsize = fast: expected double");
    }

    @Test
    void runSeedIsTheOneRunSettingASweepMayVary() {
        ExperimentConfig c = resolve("task: {name: quadratic}\noptimizer: {name: test-gd}\n"
                + "sweep: {run.seed: [4, 5]}");
        var arms = SweepExpansion.expand(c, resolver);
        assertThat(arms).hasSize(2);
        assertThat(arms.get(1).config().run().seed()).isEqualTo(5);
        assertThat(arms.get(0).config().run().seed()).isEqualTo(4);
        assertThatThrownBy(() -> resolve("task: {name: quadratic}\nsweep: {run.output: [a, b]}"))
                .hasMessage("sweep.run.output: run settings (other than run.seed) and the sweep itself cannot be "
                        + "swept");
    }
}
