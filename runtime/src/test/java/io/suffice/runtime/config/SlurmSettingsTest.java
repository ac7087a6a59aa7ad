package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import io.suffice.runtime.plugin.PluginDiscovery;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code run.executor} and {@code run.slurm.*}: validated like every other key, resolved into the run folder's config. */
class SlurmSettingsTest {
    private final ConfigResolver resolver = new ConfigResolver(
            new PluginDiscovery(getClass().getClassLoader()).discover(Path.of("no-such-plugins-dir")));
    private static final String TASK = "task: {name: quadratic, steps: 2}\noptimizer: {name: test-gd}\n";

    private ExperimentConfig resolve(String run) {
        return resolver.resolve(ConfigResolverTest.yaml("run: " + run + "\n" + TASK), "test");
    }

    @Test
    void localIsTheDefaultAndLeavesTheResolvedConfigAsItWas() {
        ExperimentConfig c = resolve("{name: x}");
        assertThat(c.run().executor()).isEqualTo("local");
        assertThat(c.run().onSlurm()).isFalse();
        assertThat(c.run().slurm()).isEqualTo(SlurmSettings.defaults());
        assertThat(c.tree().toYaml()).doesNotContain("executor").doesNotContain("slurm");
    }

    @Test
    void slurmSettingsAreParsedAndResolveToTheSameSettingsAgain() {
        ExperimentConfig c = resolve("{name: x, executor: slurm, slurm: {partition: gpu, time: '1-02:00:00', "
                + "cpus-per-task: 4, mem: 16G, gres: 'gpu:a100:1', account: lab, qos: normal, array-parallelism: 3, "
                + "extra: ['--constraint=a100', '--exclusive'], setup: \"module load java/17\\nmodule load cuda\"}}");
        SlurmSettings s = c.run().slurm();
        assertThat(c.run().onSlurm()).isTrue();
        assertThat(s).isEqualTo(new SlurmSettings("gpu", "1-02:00:00", 4, "16G", "gpu:a100:1", "lab", "normal", 3,
                List.of("--constraint=a100", "--exclusive"), List.of("module load java/17", "module load cuda")));
        // a GPU gres makes the arms run on the GPU unless run.device says otherwise
        assertThat(c.run().device()).isEqualTo("cuda");
        ExperimentConfig again = resolver.resolve(ConfigResolverTest.yaml(c.tree().toYaml()), "other");
        assertThat(again.run()).isEqualTo(c.run());
        assertThat(resolve("{executor: slurm, device: cpu, slurm: {gres: 'gpu:1'}}").run().device())
                .isEqualTo("cpu");
        assertThat(resolve("{executor: slurm, slurm: {gres: 'shard:2'}}").run().device()).isEqualTo("cpu");
    }

    @Test
    void everyBadValueIsOneLineNamingTheKey() {
        assertBad("{executor: kubernetes}", "run.executor = kubernetes: choices: [local, slurm]");
        assertBad("{executor: slurm, slurm: {partiton: gpu}}", "run.slurm.partiton = gpu: unknown key; choices: "
                + "[partition, time, cpus-per-task, mem, gres, account, qos, array-parallelism, extra, setup]");
        assertBad("{executor: slurm, slurm: {cpus-per-task: 0}}", "run.slurm.cpus-per-task = 0: must be at least 1");
        assertBad("{executor: slurm, slurm: {cpus-per-task: two}}", "run.slurm.cpus-per-task = two: expected");
        assertBad("{executor: slurm, slurm: {time: '2 hours'}}", "run.slurm.time = 2 hours: expected minutes, MM:SS");
        assertBad("{executor: slurm, slurm: {mem: 4GB}}", "run.slurm.mem = 4GB: expected a size such as 500M");
        assertBad("{executor: slurm, slurm: {gres: 'gpu 1'}}", "run.slurm.gres = gpu 1: expected name[:type][:count]");
        assertBad("{executor: slurm, slurm: {partition: 'a;rm'}}", "run.slurm.partition = a;rm: expected a partition");
        assertBad("{executor: slurm, slurm: {array-parallelism: -1}}", "run.slurm.array-parallelism = -1: must be >= 0");
        assertBad("{executor: slurm, slurm: {extra: [exclusive]}}", "'exclusive' is not an sbatch option");
        assertBad("{executor: slurm, slurm: {setup: {a: 1}}}", "run.slurm.setup = {a=1}: expected a list of strings");
        assertBad("{executor: slurm, slurm: 3}", "run.slurm = 3: expected a section");
    }

    private void assertBad(String run, String message) {
        assertThatThrownBy(() -> resolve(run)).isInstanceOf(ConfigException.class).hasMessageContaining(message)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }
}
