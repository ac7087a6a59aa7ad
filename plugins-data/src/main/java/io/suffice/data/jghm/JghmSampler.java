package io.suffice.data.jghm;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import java.util.stream.IntStream;

/**
 * Draws from a {@link JghmModel} (paper sec. 1): a root {@code y ~ Uniform[S]}, then every child independently from
 * its parent's row of {@code T[l][c]}, level by level; leaves in breadth-first order. Pairs share the root; unpaired
 * draws have independent roots. Image leaves also come Gaussian-noised ({@code z = x + sigma * eps}) for denoising.
 * <p>
 * Work is split into fixed chunks of {@value #CHUNK} examples, each with its own generator seeded from the caller's
 * generator in chunk order, and chunks run in parallel: the output depends only on the caller's generator state, not
 * on the number of threads. Immutable and thread-safe (the passed generator is used from the calling thread only).
 */
public final class JghmSampler {
    /** Examples per independently seeded chunk. */
    public static final int CHUNK = 512;

    private final JghmModel model;
    private final int s;
    private final double[][][][] cumText;
    private final double[][][][] cumImage;

    public JghmSampler(JghmModel model) {
        this.model = model;
        this.s = model.states();
        this.cumText = cumulative(model.text());
        this.cumImage = cumulative(model.image());
    }

    public JghmModel model() {
        return model;
    }

    /** {@code n} pairs sharing their root. */
    public JghmSamples paired(int n, RandomGenerator rng) {
        return draw(n, true, rng);
    }

    /** {@code n} image-text samples with independent roots. */
    public JghmSamples unpaired(int n, RandomGenerator rng) {
        return draw(n, false, rng);
    }

    /**
     * {@code groups} K-candidate groups for the contrastive risk: {@code groups * k} pairs, group {@code i} being rows
     * {@code i*k .. i*k+k-1}; row {@code i*k} is the positive pair, the other rows are fresh pairs independent of it.
     */
    public JghmSamples candidates(int groups, int k, RandomGenerator rng) {
        if (k < 2) {
            throw new IllegalArgumentException("need K >= 2 candidates, got " + k);
        }
        return draw(Math.multiplyExact(groups, k), true, rng);
    }

    private JghmSamples draw(int n, boolean paired, RandomGenerator rng) {
        if (n < 0) {
            throw new IllegalArgumentException("negative sample count " + n);
        }
        TreeModel tx = model.text();
        TreeModel im = model.image();
        int li = im.leaves();
        int lt = tx.leaves();
        int[] imageRoot = new int[n];
        int[] textRoot = new int[n];
        int[] image = new int[Math.multiplyExact(n, li)];
        int[] text = new int[Math.multiplyExact(n, lt)];
        float[] noisy = new float[image.length];
        int chunks = (n + CHUNK - 1) / CHUNK;
        long[] seeds = new long[chunks];
        for (int k = 0; k < chunks; k++) {
            seeds[k] = rng.nextLong();
        }
        double sigma = model.noiseScale();
        IntStream.range(0, chunks).parallel().forEach(k -> {
            SplittableRandom r = new SplittableRandom(seeds[k]);
            int[] w1 = new int[Math.max(li, lt)];
            int[] w2 = new int[Math.max(li, lt)];
            int end = Math.min(n, (k + 1) * CHUNK);
            for (int i = k * CHUNK; i < end; i++) {
                int y = r.nextInt(s);
                imageRoot[i] = y;
                textRoot[i] = paired ? y : r.nextInt(s);
                sampleTree(im, cumImage, y, r, image, i * li, w1, w2);
                sampleTree(tx, cumText, textRoot[i], r, text, i * lt, w1, w2);
                for (int j = i * li; j < (i + 1) * li; j++) {
                    noisy[j] = (float) (image[j] + sigma * r.nextGaussian());
                }
            }
        });
        return new JghmSamples(n, li, lt, imageRoot, textRoot, image, text, noisy);
    }

    private void sampleTree(TreeModel tree, double[][][][] cum, int root, SplittableRandom r, int[] out, int off,
                            int[] w1, int[] w2) {
        int m = tree.branching();
        int depth = tree.depth();
        int[] cur = w1;
        int[] next = w2;
        cur[0] = root;
        int size = 1;
        for (int l = 0; l < depth; l++) {
            boolean last = l == depth - 1;
            int[] dst = last ? out : next;
            int base = last ? off : 0;
            double[][][] cl = cum[l];
            for (int j = 0; j < size; j++) {
                int a = cur[j];
                for (int c = 0; c < m; c++) {
                    dst[base + j * m + c] = draw(cl[c][a], r);
                }
            }
            int[] t = cur;
            cur = next;
            next = t;
            size *= m;
        }
    }

    private int draw(double[] cum, SplittableRandom r) {
        double u = r.nextDouble();
        int b = 0;
        int last = s - 1;
        while (b < last && u >= cum[b]) {
            b++;
        }
        return b;
    }

    private static double[][][][] cumulative(TreeModel tree) {
        double[][][][] t = tree.raw();
        double[][][][] out = new double[t.length][][][];
        for (int l = 0; l < t.length; l++) {
            out[l] = new double[t[l].length][][];
            for (int c = 0; c < t[l].length; c++) {
                out[l][c] = new double[t[l][c].length][];
                for (int a = 0; a < t[l][c].length; a++) {
                    double[] row = t[l][c][a];
                    double[] cum = new double[row.length];
                    double acc = 0;
                    for (int b = 0; b < row.length; b++) {
                        acc += row[b];
                        cum[b] = acc;
                    }
                    for (int b = 0; b < row.length; b++) {
                        cum[b] /= acc;
                    }
                    out[l][c][a] = cum;
                }
            }
        }
        return out;
    }
}
