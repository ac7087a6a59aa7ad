package io.suffice.encoders.onnx.zeroshot;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/**
 * Classifies embeddings by cosine similarity to class embeddings (from a {@link PromptEnsemble}). Immutable and
 * thread-safe.
 */
public final class ZeroShotClassifier {
    private final float[][] classes;

    /** @param classEmbeddings {@code [classes][dim]}, unit vectors */
    public ZeroShotClassifier(float[][] classEmbeddings) {
        this.classes = new float[classEmbeddings.length][];
        for (int c = 0; c < classes.length; c++) {
            classes[c] = classEmbeddings[c].clone();
            if (classes[c].length != classes[0].length) {
                throw new IllegalArgumentException("class embeddings have different dimensions");
            }
        }
    }

    public int numClasses() {
        return classes.length;
    }

    /** Cosine similarity of {@code embedding} (any norm) to each class. */
    public double[] scores(float[] embedding) {
        if (embedding.length != classes[0].length) {
            throw new IllegalArgumentException("image embedding has dimension " + embedding.length
                    + " but text embeddings have " + classes[0].length
                    + "; the two encoders must share an embedding space");
        }
        double n = PromptEnsemble.norm(embedding);
        double[] s = new double[classes.length];
        for (int c = 0; c < classes.length; c++) {
            double dot = 0;
            for (int k = 0; k < embedding.length; k++) {
                dot += (double) embedding[k] * classes[c][k];
            }
            s[c] = n == 0 ? 0 : dot / n;
        }
        return s;
    }

    /** The {@code k} best classes (at most the number of classes), best first; ties go to the lower index. */
    public static int[] topK(double[] scores, int k) {
        return IntStream.range(0, scores.length).boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> -scores[c]).thenComparing(c -> c))
                .limit(Math.min(k, scores.length)).mapToInt(Integer::intValue).toArray();
    }

    @Override
    public String toString() {
        return "ZeroShotClassifier" + Arrays.toString(new int[]{classes.length, classes[0].length});
    }
}
