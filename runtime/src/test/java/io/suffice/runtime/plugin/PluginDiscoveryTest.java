package io.suffice.runtime.plugin;

import io.suffice.api.plugin.PluginKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PluginDiscoveryTest {
    private static final String OPT = "io.suffice.api.plugin.OptimizerProvider";

    @TempDir
    Path dir;

    private PluginRegistry discover() {
        return new PluginDiscovery(getClass().getClassLoader()).discover(dir);
    }

    private Path goodJar(String file, String name) throws IOException {
        return TestJars.build(dir.resolve(file), Map.of("good.Good", TestJars.optimizerSource("good", "Good", name,
                false)), Map.of(OPT, "good.Good"));
    }

    @Test
    void findsClassPathPluginsWithTheirSource() {
        PluginRegistry r = new PluginDiscovery(getClass().getClassLoader()).discover(dir.resolve("absent"));
        PluginDescriptor d = r.require(PluginKind.OPTIMIZER, "test-gd", "optimizer.name");
        assertThat(d.source()).contains("test-classes");
        assertThat(r.problems()).isEmpty();
    }

    @Test
    void loadsAJarFromThePluginsFolderInItsOwnClassLoader() throws IOException {
        Path jar = goodJar("good.jar", "jar-opt");
        PluginDescriptor d = discover().require(PluginKind.OPTIMIZER, "jar-opt", "optimizer.name");
        assertThat(d.source()).isEqualTo(jar.toString());
        assertThat(d.provider().getClass().getClassLoader()).isNotSameAs(getClass().getClassLoader());
    }

    @Test
    void skipsAJarWhoseServiceEntryNamesAMissingClassAndKeepsTheRest() throws IOException {
        goodJar("a-good.jar", "jar-opt");
        Path broken = TestJars.build(dir.resolve("b-broken.jar"), Map.of(), Map.of(OPT, "com.acme.Missing"));
        PluginRegistry r = discover();
        assertThat(r.find(PluginKind.OPTIMIZER, "jar-opt")).isPresent();
        assertThat(r.find(PluginKind.OPTIMIZER, "test-gd")).isPresent();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo(broken.toString());
            assertThat(p.cause()).contains("com.acme.Missing").contains("not found");
        });
    }

    @Test
    void skipsTheWholeJarWhenOneProviderConstructorThrows() throws IOException {
        Path jar = TestJars.build(dir.resolve("half.jar"), Map.of(
                        "half.Good", TestJars.optimizerSource("half", "Good", "half-good", false),
                        "half.Bad", TestJars.optimizerSource("half", "Bad", "half-bad", true)),
                Map.of(OPT, "half.Good\nhalf.Bad"));
        PluginRegistry r = discover();
        assertThat(r.find(PluginKind.OPTIMIZER, "half-good")).isEmpty();
        assertThat(r.problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo(jar.toString());
            assertThat(p.cause()).contains("half.Bad").contains("boom in constructor");
        });
    }

    @Test
    void reportsAFileThatIsNotAJar() throws IOException {
        Path fake = Files.writeString(dir.resolve("fake.jar"), "this is not a zip file");
        assertThat(discover().problems()).singleElement().satisfies(p -> {
            assertThat(p.source()).isEqualTo(fake.toString());
            assertThat(p.cause()).contains("not a readable JAR");
        });
    }

    @Test
    void reportsAJarWithoutServices() throws IOException {
        Path empty = TestJars.build(dir.resolve("empty.jar"), Map.of(), Map.of());
        assertThat(discover().problems()).singleElement()
                .satisfies(p -> assertThat(p.toString()).contains(empty.toString()).contains("no suffice services"));
    }

    @Test
    void twoPluginsWithOneNameIsAnErrorNamingBothSources() throws IOException {
        Path a = goodJar("a.jar", "twin");
        Path b = TestJars.build(dir.resolve("b.jar"), Map.of("other.Twin",
                TestJars.optimizerSource("other", "Twin", "twin", false)), Map.of(OPT, "other.Twin"));
        assertThatThrownBy(this::discover)
                .isInstanceOf(PluginConflictException.class)
                .hasMessageContaining("two optimizer plugins are named 'twin'")
                .hasMessageContaining(a.toString())
                .hasMessageContaining(b.toString());
    }

    @Test
    void unknownPluginNameListsTheChoices() {
        PluginRegistry r = discover();
        assertThatThrownBy(() -> r.require(PluginKind.OPTIMIZER, "adamw2", "optimizer.name"))
                .hasMessage("optimizer.name = adamw2: unknown optimizer plugin; choices: [test-gd]");
    }
}
