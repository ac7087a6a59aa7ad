package io.suffice.downstream.denoise;

import io.suffice.downstream.generative.GenerativeSettings;

/**
 * Parameters of the {@code denoise} task (see {@link DenoiseTaskProvider} for their meaning and defaults).
 *
 * @param model      the keys every generative task shares (conditioning, sizes, steps, frozen-tower source)
 * @param noisyField batch field of the noisy image leaves
 */
public record DenoiseSettings(GenerativeSettings model, String noisyField) {
}
