package io.suffice.downstream.denoise;

import io.suffice.downstream.generative.Conditioning;

/**
 * Parameters of the {@code denoise} task (see {@link DenoiseTaskProvider} for their meaning and defaults).
 *
 * @param checkpoint a clip task's checkpoint.bin with the frozen encoders; empty: pre-train {@code clipSteps} inside
 */
public record DenoiseSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                              long logEvery, int evalSamples, String checkpoint, long clipSteps, int clipBatch,
                              String imageField, String textField, String noisyField) {
}
