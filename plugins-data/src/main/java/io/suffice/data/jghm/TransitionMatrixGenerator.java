package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;

import java.util.SplittableRandom;

/**
 * Draws the JGHM transition matrices (paper sec. 1): {@code T[l][c] = (1-p) Pi[l] + p rowSoftmax(G[l][c])} with
 * {@code Pi[l]} a uniformly random permutation matrix per layer (shared by the child positions) and
 * {@code G[l][c][a][b] ~ N(0,1)} i.i.d. Text and image use independent streams split from the seed (text first), so
 * the image matrices do not change when the text shape does, and no draw depends on {@code p}. Stateless.
 */
public final class TransitionMatrixGenerator {
    private TransitionMatrixGenerator() {
    }

    /** The model of {@code spec}. */
    public static JghmModel generate(JghmSpec spec) {
        SplittableRandom root = new SplittableRandom(spec.seed());
        SplittableRandom textRng = root.split();
        SplittableRandom imageRng = root.split();
        TreeModel text = tree(Modality.TEXT, spec.states(), spec.textDepth(), spec.textBranching(), spec.textP(),
                textRng);
        TreeModel image = tree(Modality.IMAGE, spec.states(), spec.imageDepth(), spec.imageBranching(),
                spec.imageP(), imageRng);
        return new JghmModel(text, image, spec.textP(), spec.imageP(), spec.noiseScale(), spec.seed());
    }

    static TreeModel tree(Modality modality, int s, int depth, int m, double p, SplittableRandom rng) {
        double[][][][] t = new double[depth][m][s][s];
        for (int l = 0; l < depth; l++) {
            int[] perm = new int[s];
            for (int i = 0; i < s; i++) {
                perm[i] = i;
            }
            for (int i = s - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            for (int c = 0; c < m; c++) {
                for (int a = 0; a < s; a++) {
                    double[] g = new double[s];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int b = 0; b < s; b++) {
                        g[b] = rng.nextGaussian();
                        max = Math.max(max, g[b]);
                    }
                    double z = 0;
                    for (int b = 0; b < s; b++) {
                        g[b] = Math.exp(g[b] - max);
                        z += g[b];
                    }
                    for (int b = 0; b < s; b++) {
                        t[l][c][a][b] = p * g[b] / z + (b == perm[a] ? 1 - p : 0);
                    }
                }
            }
        }
        return new TreeModel(modality, s, depth, m, t);
    }
}
