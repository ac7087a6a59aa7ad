package io.suffice.downstream.caption;

import io.suffice.downstream.generative.Conditioning;

/**
 * Parameters of the {@code vlm} task (see {@link VlmTaskProvider} for their meaning and defaults).
 *
 * @param checkpoint a clip task's checkpoint.bin with the frozen encoders; empty: pre-train {@code clipSteps} inside
 */
public record VlmSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                          long logEvery, int evalSamples, int captions, int captionEval, double temperature,
                          String checkpoint, long clipSteps, int clipBatch, String imageField, String textField) {
}
