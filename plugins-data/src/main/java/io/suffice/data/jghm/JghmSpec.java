package io.suffice.data.jghm;

/**
 * How to draw a JGHM (paper sec. 1): state-space size, per-modality depth, branching and flip probability, the noise
 * scale of the denoising task and the seed of the matrices. The permutation and Gaussian matrices depend only on the
 * seed and the shapes, never on the flip probabilities, so {@link #withP} changes only the mixing weight.
 * Immutable.
 *
 * @param states          S, values per node (paper: 10)
 * @param textDepth       L of the text tree (paper: 4)
 * @param textBranching   m of the text tree (paper: 3)
 * @param imageDepth      L of the image tree
 * @param imageBranching  m of the image tree
 * @param textP           flip probability p of the text tree, in [0, 1]
 * @param imageP          flip probability p of the image tree, in [0, 1]
 * @param noiseScale      sigma of the Gaussian image-leaf noise (paper: 1)
 * @param seed            seed of the permutations and Gaussian matrices
 */
public record JghmSpec(int states, int textDepth, int textBranching, int imageDepth, int imageBranching,
                       double textP, double imageP, double noiseScale, long seed) {

    /** Paper defaults S=10, L=4, m=3, sigma=1 with flip probability {@code p} for both trees. */
    public static JghmSpec paper(double p, long seed) {
        return new JghmSpec(10, 4, 3, 4, 3, p, p, 1.0, seed);
    }

    public JghmSpec {
        if (states < 1 || textDepth < 1 || textBranching < 1 || imageDepth < 1 || imageBranching < 1) {
            throw new IllegalArgumentException("S, L and m must be at least 1, got S = " + states + ", text L = "
                    + textDepth + ", text m = " + textBranching + ", image L = " + imageDepth + ", image m = "
                    + imageBranching);
        }
        checkP("text p", textP);
        checkP("image p", imageP);
        if (!(noiseScale > 0) || !Double.isFinite(noiseScale)) {
            throw new IllegalArgumentException("noise scale must be positive, got " + noiseScale);
        }
    }

    private static void checkP(String what, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException(what + " must be in [0, 1], got " + p);
        }
    }

    /** This spec with both flip probabilities set to {@code p}. */
    public JghmSpec withP(double p) {
        return new JghmSpec(states, textDepth, textBranching, imageDepth, imageBranching, p, p, noiseScale, seed);
    }
}
