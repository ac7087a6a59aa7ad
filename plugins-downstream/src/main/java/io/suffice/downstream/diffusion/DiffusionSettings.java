package io.suffice.downstream.diffusion;

import io.suffice.downstream.generative.Conditioning;

/**
 * Parameters of the {@code diffusion} task (see {@link DiffusionTaskProvider} for their meaning and defaults).
 *
 * @param checkpoint      a clip task's checkpoint.bin with the frozen encoders (the clip towers); empty: pre-train
 *                        {@code clipSteps} inside
 * @param checkpointEvery write this task's own checkpoint.bin every this many steps (0: only after the last step)
 * @param resume          this task's own checkpoint.bin to continue from (at {@code steps}: evaluate only); empty:
 *                        train afresh
 */
public record DiffusionSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                                long logEvery, NoiseSchedule schedule, double eta, int evalSamples, int generate,
                                String checkpoint, long clipSteps, int clipBatch, String imageField,
                                String textField, String noisyField, long checkpointEvery,
                                String resume) {
    /** Without checkpoints or resume (a checkpoint is still written after the last step). */
    public DiffusionSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                             long logEvery, NoiseSchedule schedule, double eta, int evalSamples, int generate,
                             String checkpoint, long clipSteps, int clipBatch, String imageField,
                             String textField, String noisyField) {
        this(conditioning, steps, batch, width, depth, heads, logEvery, schedule, eta, evalSamples, generate,
                checkpoint, clipSteps, clipBatch, imageField, textField, noisyField, 0, "");
    }
}
