package io.suffice.downstream.caption;

import io.suffice.downstream.generative.GenerativeSettings;

/**
 * Parameters of the {@code vlm} task (see {@link VlmTaskProvider} for their meaning and defaults).
 *
 * @param model       the keys every generative task shares (conditioning, sizes, steps, frozen-tower source)
 * @param captions    images whose captions are written to captions.txt
 * @param captionEval images of the caption root-agreement measure (0: skip)
 * @param temperature softmax temperature of sampled captions
 */
public record VlmSettings(GenerativeSettings model, int captions, int captionEval, double temperature) {
}
