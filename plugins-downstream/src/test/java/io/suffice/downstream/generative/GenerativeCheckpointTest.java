package io.suffice.downstream.generative;

import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.clip.ClipCheckpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The generative checkpoint's format (the clip checkpoint's), its loss windows and its mismatch messages. */
class GenerativeCheckpointTest {
    @TempDir
    Path dir;

    @Test
    void aLossWindowRestoresFromItsState() {
        LossWindow w = new LossWindow(3);
        for (double v : new double[]{9, 1, 2, 3, 4}) {
            w.add(v);
        }
        LossWindow r = LossWindow.restore(w.state());
        assertThat(r.mean()).isEqualTo(w.mean()).isEqualTo(3.0);
        assertThat(r.count()).isEqualTo(5);
        r.add(5);
        w.add(5);
        assertThat(r.mean()).isEqualTo(w.mean());
        assertThat(LossWindow.restore(new LossWindow(4).state()).mean()).isNaN();
    }

    @Test
    void writeThenReadGivesTheSameTensorsInOrder() throws IOException {
        Map<String, HostTensor> model = new LinkedHashMap<>();
        model.put("denoiser.b", HostTensor.of(new float[]{1, 2, 3}, 3));
        model.put("denoiser.a", HostTensor.of(new float[]{4, 5}, 1, 2));
        LossWindow w = new LossWindow(2);
        w.add(1.5);
        GenerativeCheckpoint c = new GenerativeCheckpoint(7, model,
                Map.of("text.w", HostTensor.of(new float[]{6}, 1)), Map.of("m/0", HostTensor.of(new double[]{7}, 1)),
                Map.of(GenerativeCheckpoint.LOSS, w.state()), Map.of("clip_risk_last100", 0.9));
        Path file = dir.resolve("checkpoint.bin");
        c.write(file);
        GenerativeCheckpoint r = GenerativeCheckpoint.read(file);
        assertThat(r.step()).isEqualTo(7);
        assertThat(r.model().keySet()).containsExactly("denoiser.b", "denoiser.a");
        assertThat(r.model().get("denoiser.a").toDoubleArray()).containsExactly(4, 5);
        assertThat(r.model().get("denoiser.a").shape().dims()).containsExactly(1, 2);
        assertThat(r.frozen().get("text.w").toDoubleArray()).containsExactly(6);
        assertThat(r.optim().get("m/0").toDoubleArray()).containsExactly(7);
        assertThat(r.window(GenerativeCheckpoint.LOSS, 100).mean()).isEqualTo(1.5);
        assertThat(r.figures()).containsEntry("clip_risk_last100", 0.9);
        // the same binary format as the clip task's: readable as a clip checkpoint
        assertThat(ClipCheckpoint.read(file).tensors()).containsKeys("param/denoiser.a", "frozen/text.w",
                "optim/m/0", "task/window/loss", "task/figure/clip_risk_last100");
    }

    @Test
    void aClipRunsCheckpointIsRefusedAsResumeAndViceVersa() throws IOException {
        Path clip = dir.resolve("clip.bin");
        new ClipCheckpoint(5, Map.of("param/text.w", HostTensor.of(new float[]{1}, 1),
                "task/last_losses", HostTensor.of(new double[]{1}, 1))).write(clip);
        assertThatThrownBy(() -> Resume.of(clip.toString(), 5)).isInstanceOf(IOException.class)
                .hasMessageContaining(clip.toString()).hasMessageContaining("not a checkpoint of a generative task")
                .hasMessageContaining("task.checkpoint");
        Path gen = dir.resolve("gen.bin");
        new GenerativeCheckpoint(5, Map.of(), Map.of(), Map.of(), Map.of(GenerativeCheckpoint.LOSS,
                new LossWindow(2).state()), Map.of()).write(gen);
        // FrozenEncoders.fromCheckpoint reads through the training core now: FrozenEncodersTest
        assertThatThrownBy(() -> Resume.of(gen.toString(), 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("at step 5, beyond task.steps 4");
        assertThat(Resume.of("", 4)).isNull();
    }

    @Test
    void theFirstMismatchingParameterIsNamed() {
        Map<String, HostTensor> configured = new LinkedHashMap<>();
        configured.put("a", HostTensor.of(new float[2], 2));
        configured.put("b", HostTensor.of(new float[6], 2, 3));
        configured.put("c", HostTensor.of(new float[1], 1));
        Map<String, HostTensor> stored = new LinkedHashMap<>();
        stored.put("a", HostTensor.of(new float[2], 2));
        stored.put("b", HostTensor.of(new float[6], 3, 2));
        assertThat(ParameterMatch.firstMismatch(configured, stored, false))
                .contains("parameter 'b': configured FLOAT32[2, 3], stored FLOAT32[3, 2]");
        stored.put("b", HostTensor.of(new float[6], 2, 3));
        assertThat(ParameterMatch.firstMismatch(configured, stored, false))
                .contains("parameter 'c' (FLOAT32[1]) is configured but not stored");
        stored.put("c", HostTensor.of(new float[1], 1));
        stored.put("d", HostTensor.of(new float[1], 1));
        assertThat(ParameterMatch.firstMismatch(configured, stored, true)).isEmpty();
        assertThatThrownBy(() -> ParameterMatch.require("checkpoint x.bin", "model", configured, stored, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("checkpoint x.bin does not match the configured model: parameter 'd' (FLOAT32[1]) is "
                        + "stored but not configured");
    }
}
