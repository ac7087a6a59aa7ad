package io.suffice.downstream.generative;

/**
 * The BP root MAP of generated or real sequences and how often two sets of them agree: the measure by which
 * generated captions and diffused images are judged against the sequence they were conditioned on.
 */
public final class RootMap {
    private RootMap() {
    }

    /** Row-wise argmax of posteriors {@code [n][S]} (first index on ties). */
    public static int[] of(double[][] posteriors) {
        int[] a = new int[posteriors.length];
        for (int i = 0; i < posteriors.length; i++) {
            for (int k = 1; k < posteriors[i].length; k++) {
                if (posteriors[i][k] > posteriors[i][a[i]]) {
                    a[i] = k;
                }
            }
        }
        return a;
    }

    /** Fraction of positions where {@code a} and {@code b} (same length) are equal. */
    public static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return same / (double) a.length;
    }
}
