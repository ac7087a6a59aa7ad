package io.suffice.encoders.onnx.zeroshot;

import java.io.IOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Zero-shot predictions for a folder of images, with accuracies when the folder is labelled.
 *
 * @param classes     class names in label order
 * @param predictions one per image, in folder order
 * @param top1        fraction of labelled images whose best class is the label; NaN when none is labelled
 * @param top5        fraction whose label is among the five best classes; NaN when none is labelled
 */
public record ZeroShotResult(List<String> classes, List<Prediction> predictions, double top1, double top5) {

    public ZeroShotResult {
        classes = List.copyOf(classes);
        predictions = List.copyOf(predictions);
    }

    /**
     * @param file   the image
     * @param label  the true class index, or -1
     * @param top    the best classes, best first (up to five)
     * @param scores cosine similarity of each of {@code top}
     */
    public record Prediction(Path file, int label, int[] top, double[] scores) {
    }

    /** Computes the accuracies from {@code predictions}. */
    public static ZeroShotResult of(List<String> classes, List<Prediction> predictions) {
        int labelled = 0;
        int hit1 = 0;
        int hit5 = 0;
        for (Prediction p : predictions) {
            if (p.label() < 0) {
                continue;
            }
            labelled++;
            hit1 += p.top()[0] == p.label() ? 1 : 0;
            for (int c : p.top()) {
                if (c == p.label()) {
                    hit5++;
                    break;
                }
            }
        }
        return new ZeroShotResult(classes, predictions, labelled == 0 ? Double.NaN : (double) hit1 / labelled,
                labelled == 0 ? Double.NaN : (double) hit5 / labelled);
    }

    /** Number of labelled images. */
    public long labelled() {
        return predictions.stream().filter(p -> p.label() >= 0).count();
    }

    /**
     * Writes {@code file,label,pred1..pred5,score1..score5} (class names; empty label when unlabelled, empty cells
     * when there are fewer than five classes).
     */
    public void writeCsv(Path csv) throws IOException {
        Path parent = csv.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        try (Writer w = Files.newBufferedWriter(csv)) {
            w.write("file,label,pred1,pred2,pred3,pred4,pred5,score1,score2,score3,score4,score5\n");
            for (Prediction p : predictions) {
                StringBuilder sb = new StringBuilder();
                sb.append(quote(p.file().toString())).append(',')
                        .append(p.label() < 0 ? "" : quote(classes.get(p.label())));
                for (int i = 0; i < 5; i++) {
                    sb.append(',').append(i < p.top().length ? quote(classes.get(p.top()[i])) : "");
                }
                for (int i = 0; i < 5; i++) {
                    sb.append(',').append(i < p.scores().length ? String.format(java.util.Locale.ROOT, "%.6f",
                            p.scores()[i]) : "");
                }
                w.write(sb.append('\n').toString());
            }
        }
    }

    private static String quote(String s) {
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
    }
}
