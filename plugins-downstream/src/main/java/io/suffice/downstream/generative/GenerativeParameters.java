package io.suffice.downstream.generative;

import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;

import java.util.ArrayList;
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

    /**
     * The shared keys in the order {@code suffice plugins} lists them, then the task's own:
     * {@code conditioning}, {@code steps}, {@code batch}, {@code width}, {@code depth}, {@code heads},
     * {@code log-every}, {@code eval-samples}, {@code own...}, {@link #towerSpecs()}, {@code image-field},
     * {@code text-field}.
     *
     * @param conditionedOn the modality the conditioning token carries ({@code text} or {@code image})
     * @param model         what the task trains, in the descriptions ({@code denoiser}, {@code model})
     * @param authorsWidth  the authors' width, or null when the task goes beyond them
     * @param own           the task's own keys
     */
    public static List<ParameterSpec> specs(Modality conditionedOn, String model, Integer authorsWidth,
                                            List<ParameterSpec> own) {
        String m = conditionedOn.label();
        String authors = authorsWidth == null ? "" : " (authors: " + authorsWidth + ")";
        List<ParameterSpec> specs = new ArrayList<>(List.of(
                ParameterSpec.ofChoice("conditioning", "frozen: the frozen CLIP " + m + " embedding; joint: the run's "
                        + "encoder trained end-to-end on the raw " + m + "; none: no " + m, Conditioning.labels()),
                ParameterSpec.ofInt("steps", 2000, "optimizer steps").atLeast(1),
                ParameterSpec.ofInt("batch", 64, "examples per step").atLeast(1),
                ParameterSpec.ofInt("width", 32, model + " width d" + authors).atLeast(1),
                ParameterSpec.ofInt("depth", 2, model + " blocks" + (authorsWidth == null ? "" : " (authors: 9 = "
                        + "2L+1)")).atLeast(1),
                ParameterSpec.ofInt("heads", 1, "attention heads (must divide width)"
                        + (authorsWidth == null ? "" : "; authors: 1")).atLeast(1),
                ParameterSpec.ofInt("log-every", 50, "write a metrics row every this many steps").atLeast(1),
                ParameterSpec.ofInt("eval-samples", 2000, "fresh samples of the final evaluation").atLeast(1)));
        specs.addAll(own);
        specs.addAll(towerSpecs());
        specs.add(ParameterSpec.ofString("image-field", "image", "batch field of the image tokens"));
        specs.add(ParameterSpec.ofString("text-field", "text", "batch field of the text tokens"));
        return List.copyOf(specs);
    }

    /** {@code checkpoint}, {@code clip-steps}, {@code clip-batch}. */
    /**
     * The rule the ranges cannot state (called from each generative provider's {@code validate}, when the config
     * is resolved): {@code heads} divides {@code width}.
     */
    public static void validate(PluginConfig c) {
        if (c.getInt("width") % c.getInt("heads") != 0) {
            throw c.invalid("heads", "must divide width " + c.getInt("width"));
        }
    }

    public static List<ParameterSpec> towerSpecs() {
        return List.of(
                ParameterSpec.ofString("checkpoint", "", "a clip run (its folder or checkpoint.safetensors, same "
                        + "encoder section) whose trained towers give the frozen tower; empty: CLIP pre-training of "
                        + "clip-steps inside this task. This task's own checkpoint is resumed with run.resume"),
                ParameterSpec.ofInt("clip-steps", 1000, "CLIP pre-training steps when no checkpoint is given")
                        .atLeast(1),
                ParameterSpec.ofInt("clip-batch", 32, "K=4 candidate groups per CLIP pre-training step").atLeast(1));
    }

    /**
     * The shared keys of a generative task section ({@code conditioning}, {@code steps}, {@code batch},
     * {@code width}, {@code depth}, {@code heads}, {@code log-every}, {@code eval-samples}, {@code checkpoint},
     * {@code clip-steps}, {@code clip-batch}, {@code image-field}, {@code text-field}). Their ranges are declared in
     * {@link #specs} and checked when the config is resolved; only what relates two keys is checked here.
     *
     */
    public static GenerativeSettings settings(PluginConfig c) {
        return new GenerativeSettings(Conditioning.parse(c.getString("conditioning")), c.getLong("steps"),
                c.getInt("batch"), c.getInt("width"), c.getInt("depth"), c.getInt("heads"), c.getLong("log-every"),
                c.getInt("eval-samples"), c.getString("checkpoint"), c.getLong("clip-steps"), c.getInt("clip-batch"),
                c.getString("image-field"), c.getString("text-field"));
    }
}
