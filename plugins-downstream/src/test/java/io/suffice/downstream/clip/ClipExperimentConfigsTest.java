package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.downstream.CreatedComponents;
import io.suffice.encoders.transformer.TransformerEncoder;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.config.SweepExpansion;
import io.suffice.runtime.plugin.PluginDiscovery;
import io.suffice.runtime.plugin.PluginRegistry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clip experiment configs resolve against the real plugins (every key declared, every value well-typed, every
 * sweep arm valid) and create their components with the arm's values. Nothing is trained here: the runs take
 * minutes (CPU) or hours (GPU).
 */
class ClipExperimentConfigsTest {

    @ParameterizedTest
    @ValueSource(strings = {"clip-jghm", "clip-jghm-paper", "clip-jghm-shift", "clip-jghm-depth"})
    void configResolvesAndEveryArmCreatesItsComponents(String name) throws Exception {
        PluginRegistry registry = new PluginDiscovery(getClass().getClassLoader()).discover(Path.of("no-plugins"));
        ConfigResolver resolver = new ConfigResolver(registry);
        ExperimentConfig config;
        try (InputStream in = Files.newInputStream(Path.of("..", "experiments", name + ".yaml"))) {
            config = resolver.resolve(ConfigTree.parse(in, name + ".yaml"), name);
        }
        assertThat(config.run().name()).isEqualTo(name);
        for (SweepExpansion.Arm arm : SweepExpansion.expand(config, resolver)) {
            ExperimentConfig c = arm.config();
            ClipTask task = (ClipTask) create(registry, c, "task");
            PluginConfig tc = section(c, "task");
            // the arm's task values (a swept guide-penalty included) reach the task's settings
            assertThat(task.settings()).isEqualTo(new ClipSettings(tc.getString("objective"), tc.getLong("steps"),
                    tc.getInt("batch"), tc.getInt("candidates"), tc.getLong("log-every"), tc.getString("image-field"),
                    tc.getString("text-field"), tc.getString("root-field"), tc.getInt("eval-groups"),
                    tc.getInt("bayes-samples"), tc.getInt("zero-shot-images"), tc.getLongList("prompts"),
                    tc.getInt("probe-train"), tc.getInt("probe-test"), tc.getDouble("guide-penalty"),
                    tc.getBoolean("supervised")));
            assertThat(task.settings().objective()).isEqualTo(ContrastiveObjective.K_CANDIDATE);
            CreatedComponents.assertTransformer((Encoder) create(registry, c, "encoder"), section(c, "encoder"));
            CreatedComponents.assertJghm((Dataset) create(registry, c, "dataset"), section(c, "dataset"));
            CreatedComponents.assertAdamWFirstStep((Optimizer) create(registry, c, "optimizer"),
                    section(c, "optimizer"));
        }
        if (name.equals("clip-jghm-paper")) {
            assertThat(config.run().device()).isEqualTo("cuda");
            TransformerEncoder e = (TransformerEncoder) create(registry, config, "encoder");
            assertThat(e.width()).isEqualTo(128);
            assertThat(((ClipTask) create(registry, config, "task")).settings().steps()).isEqualTo(40000);
        }
    }

    private static PluginConfig section(ExperimentConfig c, String section) {
        return c.component(section).orElseThrow().config();
    }

    private static Object create(PluginRegistry registry, ExperimentConfig c, String section) {
        PluginConfig pc = c.component(section).orElseThrow().config();
        return registry.require(pc.kind(), pc.name(), section + ".name").provider().create(pc);
    }
}
