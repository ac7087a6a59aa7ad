package io.suffice.runtime.run;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code run.resume} through the launcher: checked before a run folder exists (a foreign checkpoint, a checkpoint
 * beyond {@code task.steps}, a continued run whose config differs in a training key are configuration errors naming
 * what differs); a resumed run's metrics.csv opens with the parent's rows and ends as the straight run's.
 */
class LauncherResumeTest {
    @TempDir
    Path dir;

    private final Injector injector = Guice.createInjector(new RuntimeModule(Path.of("no-plugins-here")));

    private ExperimentConfig config(String out, String task, String resume) {
        String yaml = "run: {name: r, output: '" + dir.resolve(out) + "', checkpoint-every: 2"
                + (resume == null ? "" : ", resume: '" + resume + "'") + "}\ntask: {" + task + "}\n"
                + "optimizer: {name: test-gd, stepsize: 0.1}\n";
        return injector.getInstance(ConfigResolver.class).resolve(
                ConfigTree.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "t"), "r");
    }

    private RunOutcome launch(ExperimentConfig c) {
        return injector.getInstance(ExperimentLauncher.class).launch(c, null);
    }

    private static List<String> trajectory(Path folder) throws Exception {
        return Files.readAllLines(folder.resolve("metrics.csv")).stream()
                .map(l -> l.substring(0, l.lastIndexOf(','))) // drop steps_per_s, the last column
                .toList();
    }

    @Test
    void aResumedRunHoldsTheWholeHistoryAndEqualsTheStraightRun() throws Exception {
        RunOutcome first = launch(config("a", "name: quadratic, steps: 5", null));
        RunOutcome resumed = launch(config("b", "name: quadratic, steps: 9", first.folder().toString()));
        RunOutcome straight = launch(config("c", "name: quadratic, steps: 9", null));
        assertThat(resumed.succeeded()).isTrue();
        assertThat(trajectory(resumed.folder())).containsExactlyElementsOf(trajectory(straight.folder()))
                .hasSize(11); // header and steps 0..9
        assertThat(resumed.arms().get(0).summary()).isEqualTo(straight.arms().get(0).summary());
        assertThat(Files.readString(resumed.folder().resolve("summary.json"))).contains("\"status\" : \"ok\"");
    }

    @Test
    void resumeProblemsAreConfigurationErrorsBeforeAnyRunFolder() throws Exception {
        RunOutcome first = launch(config("a", "name: quadratic, steps: 5", null));
        String from = first.folder().toString();

        assertThatThrownBy(() -> launch(config("x", "name: quadratic, steps: 9, mode: fancy, weights: [1, 2]", from)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("this run's config differs from the checkpoint's in task.mode: checkpoint "
                        + "plain, this run fancy; task.weights: checkpoint [1.0], this run [1.0, 2.0]");
        assertThatThrownBy(() -> launch(config("x", "name: quadratic, steps: 3", from)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("is at step 5, beyond task.steps = 3");
        assertThatThrownBy(() -> launch(config("x", "name: failing", from)))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("was written by task 'quadratic', this run's task is 'failing'");
        assertThatThrownBy(() -> launch(config("x", "name: quadratic, steps: 9", dir.resolve("nothing").toString())))
                .isInstanceOf(ConfigException.class).hasMessageContaining("no such file");
        assertThat(dir.resolve("x")).doesNotExist();

        // an evaluation-only resume (checkpoint at task.steps) may change anything: nothing is trained
        RunOutcome again = launch(config("y", "name: quadratic, steps: 5, mode: fancy, weights: [1, 2]", from));
        assertThat(again.succeeded()).isTrue();
        assertThat(again.arms().get(0).summary()).isEqualTo(first.arms().get(0).summary());
    }
}
