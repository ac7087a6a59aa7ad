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

    /** metrics.csv as step -> column -> cell, checking that every row has the header's number of cells. */
    private static java.util.Map<Long, java.util.Map<String, String>> rows(Path folder) throws Exception {
        List<String> lines = Files.readAllLines(folder.resolve("metrics.csv"));
        List<String> header = List.of(lines.get(0).split(",", -1));
        java.util.Map<Long, java.util.Map<String, String>> out = new java.util.TreeMap<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> cells = List.of(line.split(",", -1));
            assertThat(cells).as("row " + line + " under " + header).hasSameSizeAs(header);
            java.util.Map<String, String> row = new java.util.LinkedHashMap<>();
            for (int i = 1; i < header.size(); i++) {
                row.put(header.get(i), cells.get(i));
            }
            out.put(Long.parseLong(cells.get(0)), row);
        }
        return out;
    }

    @Test
    void aResumeMayChangeLogEveryAndItsMetricsKeepOneSetOfColumns() throws Exception {
        // log-every 1 writes no loss_mean column, 2 does: the resumed file gains the column, the parent's rows
        // leave it empty, and from the resumed step on the rows are the straight log-every-2 run's
        RunOutcome first = launch(config("a", "name: quadratic, steps: 5, log-every: 1", null));
        RunOutcome resumed = launch(config("b", "name: quadratic, steps: 9, log-every: 2",
                first.folder().toString()));
        RunOutcome straight = launch(config("c", "name: quadratic, steps: 9, log-every: 2", null));
        assertThat(resumed.succeeded()).as(String.valueOf(resumed.arms().get(0).error())).isTrue();
        var parent = rows(first.folder());
        var a = rows(resumed.folder());
        var b = rows(straight.folder());
        assertThat(a.keySet()).containsExactly(0L, 1L, 2L, 3L, 4L, 6L, 8L, 9L);
        assertThat(a.get(0L).keySet()).containsExactlyInAnyOrderElementsOf(b.get(0L).keySet());
        for (long step : List.of(0L, 1L, 2L, 3L, 4L)) {
            parent.get(step).forEach((k, v) -> assertThat(a.get(step)).containsEntry(k, v));
            assertThat(a.get(step)).containsEntry("loss_mean", "");
        }
        for (long step : List.of(6L, 8L, 9L)) {
            var x = new java.util.HashMap<>(a.get(step));
            var y = new java.util.HashMap<>(b.get(step));
            x.remove("steps_per_s");
            y.remove("steps_per_s");
            assertThat(x).as("step " + step).isEqualTo(y);
        }
        assertThat(resumed.arms().get(0).summary()).isEqualTo(straight.arms().get(0).summary());

        // the other way round: the parent's loss_mean column stays, the resumed rows leave it empty
        RunOutcome half = launch(config("e", "name: quadratic, steps: 4, log-every: 2", null));
        RunOutcome on = launch(config("f", "name: quadratic, steps: 7, log-every: 1", half.folder().toString()));
        assertThat(on.succeeded()).as(String.valueOf(on.arms().get(0).error())).isTrue();
        var c = rows(on.folder());
        assertThat(c.keySet()).containsExactly(0L, 2L, 4L, 5L, 6L, 7L);
        assertThat(c.get(5L)).containsEntry("loss_mean", "");
        assertThat(c.get(2L).get("loss_mean")).isNotEmpty();
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
