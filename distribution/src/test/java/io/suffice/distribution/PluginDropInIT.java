package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;

import static org.assertj.core.api.Assertions.assertThat;

/** End to end through the launcher: third-party JARs dropped into ./plugins, good and broken. */
class PluginDropInIT {
    @TempDir
    Path cwd;

    private static final String CONFIG = "dataset: {name: gaussian, n: 50, dim: 3}\n"
            + "task: {name: logistic-regression, steps: 20, log-every: 5}\n"
            + "optimizer: {name: sign-gd, stepsize: 0.05}\n";

    @Test
    void theExamplePluginIsListedAndUsedOnceDroppedIn() throws Exception {
        Files.writeString(cwd.resolve("exp.yaml"), CONFIG);

        Cli.Result before = Cli.run(cwd, "run", "exp.yaml");
        assertThat(before.status()).isEqualTo(2);
        assertThat(before.err()).containsPattern("optimizer.name = sign-gd: unknown optimizer plugin; choices: \\[.*\\bgd\\b");

        Path plugins = Files.createDirectory(cwd.resolve("plugins"));
        Files.copy(Cli.examplePluginJar(), plugins.resolve("sign-gd.jar"));

        Cli.Result list = Cli.run(cwd, "plugins", "--format", "csv");
        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("\noptimizer,sign-gd,")
                .containsPattern("optimizer,sign-gd,.*plugins/sign-gd\\.jar")
                .contains("\noptimizer,gd,").contains("\ndataset,gaussian,").contains("\ndownstream,logistic-regression,");

        Cli.Result run = Cli.run(cwd, "run", "exp.yaml");
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("risk=");
        try (var runs = Files.list(cwd.resolve("runs"))) {
            Path folder = runs.findFirst().orElseThrow();
            assertThat(Files.readString(folder.resolve("config.yaml"))).contains("name: sign-gd");
            assertThat(Files.readAllLines(folder.resolve("metrics.csv"))).hasSize(1 + 5);
        }
    }

    @Test
    void aBrokenJarIsReportedWithItsPathAndEverythingElseStillWorks() throws Exception {
        Path plugins = Files.createDirectory(cwd.resolve("plugins"));
        Files.copy(Cli.examplePluginJar(), plugins.resolve("sign-gd.jar"));
        try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(plugins.resolve("broken.jar")))) {
            jar.putNextEntry(new JarEntry("META-INF/services/io.suffice.api.plugin.OptimizerProvider"));
            jar.write("com.acme.MissingOptimizer\n".getBytes(StandardCharsets.UTF_8));
            jar.closeEntry();
        }
        Files.writeString(plugins.resolve("garbage.jar"), "not a jar");

        Cli.Result list = Cli.run(cwd, "plugins");
        assertThat(list.status()).isZero();
        assertThat(list.err())
                .containsOnlyOnce("skipped plugin source " + plugins.resolve("broken.jar").toRealPath() + ": ")
                .contains("com.acme.MissingOptimizer not found")
                .contains("skipped plugin source " + plugins.resolve("garbage.jar").toRealPath()
                        + ": not a readable JAR file");
        assertThat(list.out()).contains("sign-gd").contains("logistic-regression");

        Files.writeString(cwd.resolve("exp.yaml"), CONFIG);
        Cli.Result run = Cli.run(cwd, "run", "exp.yaml");
        assertThat(run.status()).as(run.err()).isZero();
    }

    @Test
    void theDemoRunsBothEmbeddedDefaults() throws Exception {
        Cli.Result demo = Cli.run(cwd, "demo", "--set", "task.steps=30");
        assertThat(demo.status()).as(demo.err()).isZero();
        assertThat(demo.out()).contains("demo large-stepsize:", "demo clip:");
        List<Path> folders;
        try (var runs = Files.list(cwd.resolve("runs"))) {
            folders = runs.sorted().toList();
        }
        assertThat(folders).hasSize(2);
        Path sweep = folders.stream().filter(f -> !f.getFileName().toString().startsWith("demo-clip-")).findFirst()
                .orElseThrow();
        assertThat(Files.readAllLines(sweep.resolve("sweep.csv"))).hasSize(1 + 5);
        assertThat(sweep.resolve("plot-risk.png")).isNotEmptyFile();
        Path clip = folders.stream().filter(f -> f.getFileName().toString().startsWith("demo-clip-")).findFirst()
                .orElseThrow();
        assertThat(Files.readString(clip.resolve("summary.json"))).contains("bayes_clip_risk", "zsc_ce_m128");
        assertThat(clip.resolve("zero-shot-ce.png")).isNotEmptyFile();
    }

    @Test
    void anUnknownDemoIsNamedWithTheChoices() throws Exception {
        Cli.Result demo = Cli.run(cwd, "demo", "clipp");
        assertThat(demo.status()).isEqualTo(2);
        assertThat(demo.err()).contains("unknown demo 'clipp'", "large-stepsize", "clip");
    }
}
