package io.suffice.downstream.generative;

/**
 * The parameters every generative task ({@code denoise}, {@code vlm}, {@code diffusion}) shares: its model's size and
 * training length, and where the frozen CLIP tower comes from. Read by {@link GenerativeParameters#settings}; each
 * task's own settings record holds one beside its own keys. Immutable.
 *
 * @param conditioning where the conditioning token comes from
 * @param steps        optimizer steps
 * @param batch        examples per step
 * @param width        model width d
 * @param depth        transformer blocks
 * @param heads        attention heads
 * @param logEvery     a metrics row every this many steps
 * @param evalSamples  fresh samples of the final evaluation
 * @param checkpoint   a clip run (folder or checkpoint file) whose trained towers give the frozen tower; empty:
 *                     pre-train {@code clipSteps} inside the task
 * @param clipSteps    steps of that pre-training
 * @param clipBatch    K=4 candidate groups per pre-training step
 * @param imageField   batch field of the image tokens
 * @param textField    batch field of the text tokens
 */
public record GenerativeSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                                 long logEvery, int evalSamples, String checkpoint, long clipSteps, int clipBatch,
                                 String imageField, String textField) {

    /** The same settings with the frozen towers from {@code clipRun} (a clip run folder or checkpoint file). */
    public GenerativeSettings withCheckpoint(String clipRun) {
        return new GenerativeSettings(conditioning, steps, batch, width, depth, heads, logEvery, evalSamples, clipRun,
                clipSteps, clipBatch, imageField, textField);
    }
}
