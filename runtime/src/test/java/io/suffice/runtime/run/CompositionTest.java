package io.suffice.runtime.run;

import com.google.inject.AbstractModule;
import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.api.optim.Optimizer;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** An experiment is a Guice module; components are swapped by config or by overriding a binding. */
class CompositionTest {
    @TempDir
    Path dir;

    private final Injector injector = Guice.createInjector(new RuntimeModule(Path.of("no-plugins-here")));

    private ExperimentConfig config(String extra) {
        String yaml = "run: {name: comp, output: '" + dir + "'}\ntask: {name: quadratic, steps: 1}\n" + extra;
        return injector.getInstance(ConfigResolver.class).resolve(
                ConfigTree.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "t"), "comp");
    }

    private double finalW(RunOutcome outcome) {
        assertThat(outcome.succeeded()).isTrue();
        return outcome.arms().get(0).summary().get("w");
    }

    @Test
    void theConfigChoosesTheOptimizer() {
        ExperimentLauncher launcher = injector.getInstance(ExperimentLauncher.class);
        // one step from w = 0 on 0.5 (w - 3)^2: w = 3 * stepsize
        assertThat(finalW(launcher.launch(config("optimizer: {name: test-gd, stepsize: 0.5}"), null))).isEqualTo(1.5);
        assertThat(finalW(launcher.launch(config("optimizer: {name: test-gd, stepsize: 1}"), null))).isEqualTo(3.0);
    }

    @Test
    void anOverrideModuleReplacesTheConfiguredOptimizer() {
        Optimizer doubling = (params, grads, info) -> params.get(0).doubles().put(0, 42.0);
        RunOutcome outcome = injector.getInstance(ExperimentLauncher.class).launch(
                config("optimizer: {name: test-gd}"), null, new AbstractModule() {
                    @Override
                    protected void configure() {
                        bind(Optimizer.class).toInstance(doubling);
                    }
                });
        assertThat(finalW(outcome)).isEqualTo(42.0);
    }

    @Test
    void aRunFolderHoldsConfigMetricsSummaryLogAndPlots() throws IOException {
        RunOutcome outcome = injector.getInstance(ExperimentLauncher.class)
                .launch(config("optimizer: {name: test-gd, stepsize: 0.1}"), null);
        Path run = outcome.folder();
        assertThat(run.getFileName().toString()).matches("comp-\\d{8}-\\d{6}");
        assertThat(Files.readString(run.resolve("config.yaml"))).contains("stepsize: 0.1").contains("steps: 1");
        // rows at steps 0 and 1: the loss before and after the one update (w = 0.3), and the speed
        List<String> rows = Files.readAllLines(run.resolve("metrics.csv"));
        assertThat(rows.get(0)).isEqualTo("step,loss,steps_per_s");
        assertThat(rows.subList(1, 3)).satisfiesExactly(r -> assertThat(r).startsWith("0,4.5,"),
                r -> assertThat(r).startsWith("1,3.645,"));
        assertThat(Files.readString(run.resolve("summary.json"))).contains("\"status\" : \"ok\"")
                .contains("\"w\" : 0.3");
        assertThat(Files.readString(run.resolve("run.log"))).contains("quadratic task starts, seed 0");
    }

    @Test
    void aSweepWritesOneFolderPerArmATableAndOverlayPlots() throws IOException {
        RunOutcome outcome = injector.getInstance(ExperimentLauncher.class).launch(config(
                "optimizer: {name: test-gd}\nsweep: {optimizer.stepsize: [0.5, 1], task.steps: [3, 4]}\n"
                        + "run: {name: sw, output: '" + dir + "', parallel: 2}"), null);
        assertThat(outcome.arms()).hasSize(4);
        List<String> table = Files.readAllLines(outcome.folder().resolve("sweep.csv"));
        assertThat(table).first().isEqualTo("arm,optimizer.stepsize,task.steps,status,w");
        // stepsize 1 jumps to the minimum in one step
        assertThat(table).contains("002-optimizer.stepsize=1-task.steps=3,1,3,ok,3");
        for (var arm : outcome.arms()) {
            assertThat(arm.folder().resolve("config.yaml")).exists();
            assertThat(Files.readString(arm.folder().resolve("run.log"))).contains("quadratic task starts");
        }
        assertThat(outcome.folder().resolve("plot-loss.png")).isNotEmptyFile();
        assertThat(outcome.folder().resolve("summary-w.png")).isNotEmptyFile();
    }

    @Test
    void aFailingArmIsRecordedAndKeepsItsMetrics() throws IOException {
        String yaml = "run: {name: f, output: '" + dir + "'}\ntask: {name: failing}\n";
        ExperimentConfig c = injector.getInstance(ConfigResolver.class).resolve(
                ConfigTree.parse(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)), "t"), "f");
        RunOutcome outcome = injector.getInstance(ExperimentLauncher.class).launch(c, null);
        assertThat(outcome.succeeded()).isFalse();
        assertThat(outcome.arms().get(0).error()).isEqualTo("diverged at step 1: loss=NaN");
        assertThat(Files.readAllLines(outcome.folder().resolve("metrics.csv"))).containsExactly("step,loss", "0,1");
        assertThat(Files.readString(outcome.folder().resolve("summary.json"))).contains("\"status\" : \"failed\"");
    }
}
