package io.suffice.downstream.diffusion;

import io.suffice.downstream.generative.GenerativeSettings;

/**
 * Parameters of the {@code diffusion} task (see {@link DiffusionTaskProvider} for their meaning and defaults).
 *
 * @param model      the keys every generative task shares (conditioning, sizes, steps, frozen-tower source)
 * @param schedule   the noise levels of training and sampling
 * @param eta        0: deterministic DDIM steps; 1: ancestral sampling
 * @param generate   images generated for fresh texts (0: skip)
 * @param noisyField batch field of the noisy image leaves
 */
public record DiffusionSettings(GenerativeSettings model, NoiseSchedule schedule, double eta, int generate,
                                String noisyField) {
}
