package io.suffice.encoders.onnx.zeroshot;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Class embeddings from prompt templates, as open_clip builds its zero-shot classifiers: for each class, every
 * template ({@code "a photo of a {}."}) is filled with the class name, the texts are embedded and L2-normalised,
 * averaged, and the average is L2-normalised again. Immutable and thread-safe.
 *
 * @param classes   class names, in label order
 * @param templates templates with {@code {}} where the class name goes
 */
public record PromptEnsemble(List<String> classes, List<String> templates) {

    public PromptEnsemble {
        classes = List.copyOf(classes);
        templates = List.copyOf(templates);
        if (classes.isEmpty() || templates.isEmpty()) {
            throw new IllegalArgumentException("need at least one class and one template");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException("template \"" + t + "\" has no {} for the class name");
            }
        }
    }

    /** The prompts of class {@code c}, one per template. */
    public List<String> prompts(int c) {
        List<String> out = new ArrayList<>();
        for (String t : templates) {
            out.add(t.replace("{}", classes.get(c)));
        }
        return out;
    }

    /**
     * The class embeddings, one unit vector per class.
     *
     * @param embed embeds a list of texts as rows (any scale; they are normalised here)
     * @return {@code [classes][dim]}
     */
    public float[][] classEmbeddings(Function<List<String>, float[][]> embed) {
        float[][] out = new float[classes.size()][];
        for (int c = 0; c < classes.size(); c++) {
            float[][] e = embed.apply(prompts(c));
            double[] mean = new double[e[0].length];
            for (float[] row : e) {
                double n = norm(row);
                for (int k = 0; k < row.length; k++) {
                    mean[k] += n == 0 ? 0 : row[k] / n / e.length;
                }
            }
            double n = 0;
            for (double v : mean) {
                n += v * v;
            }
            n = Math.sqrt(n);
            out[c] = new float[mean.length];
            for (int k = 0; k < mean.length; k++) {
                out[c][k] = (float) (n == 0 ? 0 : mean[k] / n);
            }
        }
        return out;
    }

    static double norm(float[] v) {
        double s = 0;
        for (float x : v) {
            s += (double) x * x;
        }
        return Math.sqrt(s);
    }
}
