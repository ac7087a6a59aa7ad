package io.suffice.runtime.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.run.SweepCollection.ArmState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A sweep run arm by arm ({@code suffice run CONFIG --arm N}, as Slurm array tasks do) and collected afterwards gives
 * the local sweep's files and sweep.csv; an arm whose folder holds a checkpoint continues from it; arms from another
 * config are refused.
 */
class SweepCollectionTest {
    @TempDir
    Path dir;

    private final Injector injector = Guice.createInjector(new RuntimeModule(Path.of("no-plugins-here")));
    private final ConfigResolver resolver = injector.getInstance(ConfigResolver.class);
    private final ExperimentLauncher launcher = injector.getInstance(ExperimentLauncher.class);

    private ExperimentConfig config(String out, int seed, int steps) {
        String yaml = "run: {name: s, seed: " + seed + ", output: '" + dir.resolve(out) + "', checkpoint-every: 2, "
                + "executor: slurm}\ntask: {name: quadratic, steps: " + steps + "}\n"
                + "optimizer: {name: test-gd, stepsize: 0.1}\nsweep: {optimizer.stepsize: [0.1, 0.2, 0.3]}\n";
        return resolver.resolve(ConfigTree.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)),
                "t"), "s");
    }

    @Test
    void armsRunOneByOneAndCollectedEqualTheLocalSweep() throws Exception {
        ExperimentConfig c = config("slurm", 3, 6);
        Path folder = launcher.createRunFolder(c);
        for (int arm : List.of(2, 0, 1)) {
            assertThat(launcher.launchArm(c, folder, arm, null).succeeded()).isTrue();
        }
        assertThat(dir.resolve("slurm")).isDirectoryContaining(p -> p.equals(folder)); // no second run folder
        List<ArmState> arms = SweepCollection.read(folder, c, resolver);
        assertThat(arms).extracting(ArmState::status).containsExactly("ok", "ok", "ok");
        SweepCollection.collect(folder, c, arms);

        RunOutcome local = launcher.launch(config("local", 3, 6), null);
        assertThat(Files.readAllLines(folder.resolve("sweep.csv"))).hasSize(4)
                .containsExactlyElementsOf(Files.readAllLines(local.folder().resolve("sweep.csv")));
        assertThat(names(folder)).isEqualTo(names(local.folder()));
        for (RunOutcome.ArmOutcome a : local.arms()) {
            assertThat(names(folder.resolve(a.label()))).isEqualTo(names(a.folder()));
        }
    }

    @Test
    void anArmWithACheckpointContinuesFromIt() throws Exception {
        Path folder = launcher.createRunFolder(config("slurm", 3, 5));
        launcher.launchArm(config("slurm", 3, 5), folder, 1, null);
        // the same arm again with a longer run: it resumes at step 5 and ends as the straight run does
        launcher.launchArm(config("slurm", 3, 9), folder, 1, null);
        RunOutcome straight = launcher.launch(config("straight", 3, 9), null);
        Path arm = folder.resolve("001-optimizer.stepsize=0.2");
        assertThat(Files.readString(arm.resolve("run.log"))).contains("resumed from").contains("at step 5 of 9");
        assertThat(trajectory(arm)).hasSize(11)
                .containsExactlyElementsOf(trajectory(straight.folder().resolve("001-optimizer.stepsize=0.2")));
        assertThat(SweepCollection.read(folder, config("slurm", 3, 9), resolver)).extracting(ArmState::status)
                .containsExactly("missing", "ok", "missing");
    }

    @Test
    void armsFromAnotherConfigAreRefusedAndArmIndicesAreChecked() throws Exception {
        ExperimentConfig c = config("slurm", 3, 4);
        Path folder = launcher.createRunFolder(c);
        launcher.launchArm(c, folder, 0, null);
        Path other = launcher.createRunFolder(config("other", 4, 4));
        launcher.launchArm(config("other", 4, 4), other, 1, null);
        Files.move(other.resolve("001-optimizer.stepsize=0.2"), folder.resolve("001-optimizer.stepsize=0.2"));
        assertThatThrownBy(() -> SweepCollection.read(folder, c, resolver)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("001-optimizer.stepsize=0.2/config.yaml: this arm comes from a different config")
                .hasMessageContaining("run.seed: arm 4, sweep 3");
        assertThatThrownBy(() -> launcher.launchArm(c, folder, 3, null)).isInstanceOf(ConfigException.class)
                .hasMessage("--arm 3: the sweep has 3 arm(s), numbered 0 to 2");
    }

    private static List<String> trajectory(Path folder) throws Exception {
        return Files.readAllLines(folder.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))) // drop steps_per_s, the last column
                .toList();
    }

    private static Set<String> names(Path folder) throws Exception {
        try (Stream<Path> s = Files.list(folder)) {
            return new TreeSet<>(s.map(p -> p.getFileName().toString()).toList());
        }
    }
}
