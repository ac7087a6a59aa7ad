package io.suffice.downstream.generative;

import io.suffice.api.plugin.ParameterSpec;

import java.util.List;

/**
 * The parameters every generative task shares, in one place so their meaning (and the distinction between the
 * frozen towers' {@code checkpoint} and the task's own {@code resume}) reads the same in each: where the frozen CLIP
 * towers come from, and the task's own checkpointing.
 */
public final class TowerParameters {
    private TowerParameters() {
    }

    /** {@code checkpoint}, {@code checkpoint-every}, {@code resume}, {@code clip-steps}, {@code clip-batch}. */
    public static List<ParameterSpec> specs() {
        return List.of(
                ParameterSpec.ofString("checkpoint", "", "a clip run's checkpoint.bin with the frozen towers (same "
                        + "encoder config); empty: CLIP pre-training of clip-steps inside this task. Not this task's "
                        + "own checkpoint, which resume takes"),
                ParameterSpec.ofInt("checkpoint-every", 0, "also write this task's checkpoint.bin (model, frozen "
                        + "tower, optimizer state, loss window) every this many steps; it is always written, "
                        + "atomically, after the last step (0: only then)"),
                ParameterSpec.ofString("resume", "", "a checkpoint.bin written by this task (same task and encoder "
                        + "sections) to continue from; with task.steps equal to its step nothing is trained and only "
                        + "the evaluation runs, on this run's dataset (empty: train afresh)"),
                ParameterSpec.ofInt("clip-steps", 1000, "CLIP pre-training steps when no checkpoint is given"),
                ParameterSpec.ofInt("clip-batch", 32, "K=4 candidate groups per CLIP pre-training step"));
    }
}
