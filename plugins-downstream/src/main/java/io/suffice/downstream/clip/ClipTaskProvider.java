package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.api.plugin.DownstreamTaskProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.task.DownstreamTask;

import java.util.List;

/** Plugin {@code clip}: see {@link ClipTask}. */
public final class ClipTaskProvider implements DownstreamTaskProvider {
    @Override
    public String name() {
        return "clip";
    }

    @Override
    public String description() {
        return "contrastive pre-training of an image and a text encoder (the run's encoder, twice) on fresh paired "
                + "batches, then CLIP risk, zero-shot and sufficiency-probe evaluations beside the Bayes oracle";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofChoice("objective", "k-candidate: the paper's symmetric K-candidate risk with raw "
                        + "dot-product scores; infonce: open_clip's in-batch InfoNCE with a learnable temperature",
                        ContrastiveObjective.K_CANDIDATE, ContrastiveObjective.INFONCE),
                ParameterSpec.ofInt("steps", 2000, "optimizer steps").atLeast(1),
                ParameterSpec.ofInt("batch", 64, "groups (k-candidate) or pairs (infonce) per step").atLeast(1),
                ParameterSpec.ofInt("candidates", 4, "K: 1 positive + K-1 fresh negatives (k-candidate)").atLeast(2),
                ParameterSpec.ofInt("log-every", 50, "write a metrics row every this many steps").atLeast(1),
                ParameterSpec.ofString("image-field", "image", "batch field of the image tokens"),
                ParameterSpec.ofString("text-field", "text", "batch field of the text tokens"),
                ParameterSpec.ofString("root-field", "root", "batch field of the shared root (when absent, probe "
                        + "labels are drawn from the oracle's root posterior, which has the same distribution)"),
                ParameterSpec.ofInt("eval-groups", 2000, "fresh K-candidate groups for the final CLIP risk").atLeast(1),
                ParameterSpec.ofInt("bayes-samples", 10000, "samples of the oracle's Bayes risk estimates").atLeast(1),
                ParameterSpec.ofInt("zero-shot-images", 1000, "test images of the zero-shot evaluation (0: skip; "
                        + "labelled datasets: the first of the test split, also those of the probe and the supervised "
                        + "reference)").nonNegative(),
                ParameterSpec.ofIntList("prompts", List.of(1L, 2L, 4L, 8L, 16L, 32L, 64L, 128L, 250L),
                        "prompt counts M per class of the zero-shot evaluation").atLeast(1),
                ParameterSpec.ofInt("probe-train", 4000, "training examples of the sufficiency probe (0: skip; "
                        + "labelled datasets: the linear probe on the first training images' embeddings)")
                        .nonNegative(),
                ParameterSpec.ofInt("probe-test", 2000, "test examples of the sufficiency probe").atLeast(1),
                ParameterSpec.ofDouble("guide-penalty", 0, "the guided variant (paper: 1e-3): adds this times the "
                        + "squared distance of each block's hidden state (first S channels) to the oracle's BP beliefs "
                        + "of the matching tree level, per sequence, to the optimised objective; 0 = standard").nonNegative(),
                ParameterSpec.ofChoice("guide-target", "what the guided variant pulls the hidden states to: the "
                        + "normalised BP beliefs, or the authors' max-normalised BP log-messages (use lr 1e-3 with "
                        + "them, as the authors did)", "beliefs", "log-messages"),
                ParameterSpec.ofBoolean("supervised", true, "labelled datasets (fashion-mnist-captions): also train "
                        + "the image tower's architecture + a linear layer on the labels (same steps, rows and "
                        + "optimizer) as the supervised reference, summary key supervised_top1"));
    }

    @Override
    public void validate(PluginConfig c) {
        if (c.getLongList("prompts").isEmpty()) {
            throw c.invalid("prompts", "needs at least one count");
        }
        if (c.getString("objective").equals(ContrastiveObjective.INFONCE) && c.getInt("batch") < 2) {
            throw c.invalid("batch", "infonce needs at least 2 pairs");
        }
    }

    @Override
    public DownstreamTask create(PluginConfig c) {
        List<Long> prompts = c.getLongList("prompts");
        double guide = c.getDouble("guide-penalty");
        return new ClipTask(new ClipSettings(c.getString("objective"), c.getLong("steps"), c.getInt("batch"),
                c.getInt("candidates"), c.getLong("log-every"), c.getString("image-field"),
                c.getString("text-field"), c.getString("root-field"), c.getInt("eval-groups"),
                c.getInt("bayes-samples"), c.getInt("zero-shot-images"), prompts, c.getInt("probe-train"),
                c.getInt("probe-test"), guide, c.getBoolean("supervised"), c.getString("guide-target")));
    }
}
