package io.suffice.downstream.diffusion;

import io.suffice.downstream.generative.Conditioning;

/**
 * Parameters of the {@code diffusion} task (see {@link DiffusionTaskProvider} for their meaning and defaults).
 *
 * @param checkpoint a clip task's checkpoint.bin with the frozen encoders; empty: pre-train {@code clipSteps} inside
 */
public record DiffusionSettings(Conditioning conditioning, long steps, int batch, int width, int depth, int heads,
                                long logEvery, NoiseSchedule schedule, double eta, int evalSamples, int generate,
                                String checkpoint, long clipSteps, int clipBatch, String imageField,
                                String textField, String noisyField) {
}
