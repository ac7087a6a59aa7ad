package io.suffice.downstream.generative;

import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.List;

/**
 * The parameters every generative task shares, declared and read in one place: where the frozen CLIP towers come
 * from ({@link #towerSpecs()}), and the common keys of the task section read into a {@link GenerativeSettings} with
 * their range checks ({@link #settings}). The task's own checkpoints and resume are the training core's
 * ({@code run.checkpoint-every}, {@code run.resume}), not task keys.
 */
public final class GenerativeParameters {
    private GenerativeParameters() {
    }

    /** {@code checkpoint}, {@code clip-steps}, {@code clip-batch}. */
    public static List<ParameterSpec> towerSpecs() {
        return List.of(
                ParameterSpec.ofString("checkpoint", "", "a clip run (its folder or checkpoint.safetensors, same "
                        + "encoder section) whose trained towers give the frozen tower; empty: CLIP pre-training of "
                        + "clip-steps inside this task. This task's own checkpoint is resumed with run.resume"),
                ParameterSpec.ofInt("clip-steps", 1000, "CLIP pre-training steps when no checkpoint is given"),
                ParameterSpec.ofInt("clip-batch", 32, "K=4 candidate groups per CLIP pre-training step"));
    }

    /**
     * The shared keys of a generative task section ({@code conditioning}, {@code steps}, {@code batch},
     * {@code width}, {@code depth}, {@code heads}, {@code log-every}, {@code eval-samples}, {@code checkpoint},
     * {@code clip-steps}, {@code clip-batch}, {@code image-field}, {@code text-field}), range-checked.
     *
     * @throws IllegalArgumentException from {@link PluginConfig#invalid} naming the key and the allowed range
     */
    public static GenerativeSettings settings(PluginConfig c) {
        for (String k : List.of("steps", "batch", "width", "depth", "heads", "log-every", "eval-samples",
                "clip-steps", "clip-batch")) {
            if (c.getLong(k) < 1) {
                throw c.invalid(k, "must be at least 1");
            }
        }
        if (c.getInt("width") % c.getInt("heads") != 0) {
            throw c.invalid("heads", "must divide width " + c.getInt("width"));
        }
        return new GenerativeSettings(Conditioning.parse(c.getString("conditioning")), c.getLong("steps"),
                c.getInt("batch"), c.getInt("width"), c.getInt("depth"), c.getInt("heads"), c.getLong("log-every"),
                c.getInt("eval-samples"), c.getString("checkpoint"), c.getLong("clip-steps"), c.getInt("clip-batch"),
                c.getString("image-field"), c.getString("text-field"));
    }
}
