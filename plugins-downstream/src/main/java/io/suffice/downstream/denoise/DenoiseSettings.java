package io.suffice.downstream.denoise;

import io.suffice.downstream.generative.Conditioning;

/**
 * Parameters of the {@code denoise} task (see {@link DenoiseTaskProvider} for their meaning and defaults).
 *
 * @param checkpoint      a clip task's checkpoint.bin with the frozen encoders (the clip towers); empty: pre-train
 *                        {@code clipSteps} inside
 * @param checkpointEvery write this task's own checkpoint.bin every this many steps (0: only after the last step)
 * @param resume          this task's own checkpoint.bin to continue from (at {@code steps}: evaluate only); empty:
 *                        train afresh
 */
public record DenoiseSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                              long logEvery, int evalSamples, String checkpoint, long clipSteps, int clipBatch,
                              String imageField, String textField, String noisyField, long checkpointEvery,
                              String resume) {
    /** Without checkpoints or resume (a checkpoint is still written after the last step). */
    public DenoiseSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                           long logEvery, int evalSamples, String checkpoint, long clipSteps, int clipBatch,
                           String imageField, String textField, String noisyField) {
        this(conditioning, steps, batch, width, depth, heads, logEvery, evalSamples, checkpoint, clipSteps, clipBatch,
                imageField, textField, noisyField, 0, "");
    }
}
