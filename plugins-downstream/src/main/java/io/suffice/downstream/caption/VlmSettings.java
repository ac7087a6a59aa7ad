package io.suffice.downstream.caption;

import io.suffice.downstream.generative.Conditioning;

/**
 * Parameters of the {@code vlm} task (see {@link VlmTaskProvider} for their meaning and defaults).
 *
 * @param checkpoint      a clip task's checkpoint.bin with the frozen encoders (the clip towers); empty: pre-train
 *                        {@code clipSteps} inside
 * @param checkpointEvery write this task's own checkpoint.bin every this many steps (0: only after the last step)
 * @param resume          this task's own checkpoint.bin to continue from (at {@code steps}: evaluate only); empty:
 *                        train afresh
 */
public record VlmSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                          long logEvery, int evalSamples, int captions, int captionEval, double temperature,
                          String checkpoint, long clipSteps, int clipBatch, String imageField, String textField,
                          long checkpointEvery, String resume) {
    /** Without checkpoints or resume (a checkpoint is still written after the last step). */
    public VlmSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                       long logEvery, int evalSamples, int captions, int captionEval, double temperature,
                       String checkpoint, long clipSteps, int clipBatch, String imageField, String textField) {
        this(conditioning, steps, batch, width, depth, heads, logEvery, evalSamples, captions, captionEval,
                temperature, checkpoint, clipSteps, clipBatch, imageField, textField, 0, "");
    }
}
