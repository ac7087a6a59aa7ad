package io.suffice.data.jghm;

/**
 * A block of JGHM draws in flat row-major arrays (example {@code i}'s image tokens are
 * {@code image[i*imageLeaves .. (i+1)*imageLeaves)}, likewise text). Returned by {@link JghmSampler}; the arrays are
 * owned by this record and must not be modified by callers. Not thread-safe to mutate.
 *
 * @param n           number of examples
 * @param imageLeaves tokens per image
 * @param textLeaves  tokens per text
 * @param imageRoot   root value of each image tree, {@code [n]}
 * @param textRoot    root value of each text tree, {@code [n]} (equal to {@code imageRoot} for pairs)
 * @param image       image tokens, {@code [n * imageLeaves]}, values in 0..S-1
 * @param text        text tokens, {@code [n * textLeaves]}
 * @param noisyImage  {@code image + sigma * N(0,1)} per leaf, {@code [n * imageLeaves]}
 */
public record JghmSamples(int n, int imageLeaves, int textLeaves, int[] imageRoot, int[] textRoot, int[] image,
                          int[] text, float[] noisyImage) {
}
