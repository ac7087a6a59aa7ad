package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.tensor.HostTensor;
import io.suffice.encoders.onnx.FrozenOnnxEncoder;
import io.suffice.encoders.onnx.text.TextTokenizer;
import io.suffice.encoders.onnx.text.TokenizedText;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Zero-shot classification with a pretrained image tower and text tower: class embeddings from a
 * {@link PromptEnsemble} of the text tower, image embeddings of preprocessed images, cosine similarity, top-5. The
 * encoders are used as given (open them with {@code normalize = true} or not; scores are cosines either way). Not
 * thread-safe (the encoders are not).
 *
 * @param image         the image tower; reads batch field {@value #PIXELS}
 * @param text          the text tower; reads batch fields {@value #IDS}, {@value #MASK} and
 *                      {@code token_type_ids} (those its inputs name)
 * @param tokenizer     turns prompts into ids and masks
 * @param preprocessing turns images into pixels {@code [n, channels, side, side]}
 * @param flatten       feed the image tower {@code [n, channels * side * side]} instead (towers of flattened pixels)
 * @param batchSize     images per run of the image tower
 */
public record ZeroShotEvaluation(FrozenOnnxEncoder image, FrozenOnnxEncoder text, TextTokenizer tokenizer,
                                 ImagePreprocessing preprocessing, boolean flatten, int batchSize) {
    /** Batch field names the towers read. */
    public static final String PIXELS = "pixels";
    public static final String IDS = "input_ids";
    public static final String MASK = "attention_mask";

    /** Embeds texts with the text tower: {@code [texts][dim]}. */
    public float[][] embedTexts(List<String> texts) {
        TokenizedText e = tokenizer.encode(texts);
        return rows(text.encode(FrozenOnnxEncoder.textFields(e)));
    }

    /** Classifies every image of {@code images} among the ensemble's classes. */
    public ZeroShotResult run(PromptEnsemble prompts, List<ImageFolder.Entry> images) throws IOException {
        ZeroShotClassifier classifier = new ZeroShotClassifier(prompts.classEmbeddings(this::embedTexts));
        List<ZeroShotResult.Prediction> predictions = new ArrayList<>();
        for (int start = 0; start < images.size(); start += batchSize) {
            List<ImageFolder.Entry> chunk = images.subList(start, Math.min(images.size(), start + batchSize));
            List<BufferedImage> pics = new ArrayList<>();
            for (ImageFolder.Entry e : chunk) {
                BufferedImage img = ImageIO.read(e.file().toFile());
                if (img == null) {
                    throw new IOException("cannot decode image " + e.file() + " (not a PNG/JPEG/GIF/BMP?)");
                }
                pics.add(img);
            }
            HostTensor px = preprocessing.toTensor(pics);
            if (flatten) {
                px = HostTensor.wrap(px.dtype(), io.suffice.api.tensor.Shape.of(px.shape().dim(0),
                        px.size() / px.shape().dim(0)), px.buffer());
            }
            float[][] z = rows(image.encode(Map.of(PIXELS, px)));
            for (int i = 0; i < chunk.size(); i++) {
                double[] s = classifier.scores(z[i]);
                int[] top = ZeroShotClassifier.topK(s, 5);
                double[] ts = new double[top.length];
                for (int k = 0; k < top.length; k++) {
                    ts[k] = s[top[k]];
                }
                predictions.add(new ZeroShotResult.Prediction(chunk.get(i).file(), chunk.get(i).label(), top, ts));
            }
        }
        return ZeroShotResult.of(prompts.classes(), predictions);
    }

    static float[][] rows(HostTensor t) {
        int n = (int) t.shape().dim(0);
        int d = t.size() / Math.max(n, 1);
        float[][] out = new float[n][d];
        var b = t.floats();
        for (int i = 0; i < n; i++) {
            b.get(i * d, out[i]);
        }
        return out;
    }
}
