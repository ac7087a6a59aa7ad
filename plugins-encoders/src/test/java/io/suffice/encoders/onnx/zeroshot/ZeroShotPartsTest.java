package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.tensor.HostTensor;
import io.suffice.encoders.onnx.text.HuggingFaceTextTokenizer;
import io.suffice.encoders.onnx.text.TextTokenizer;
import io.suffice.encoders.onnx.text.TokenizedText;
import io.suffice.encoders.onnx.text.WordTokenizer;
import org.junit.jupiter.api.Test;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Prompt ensembles, the classifier, the word tokenizer and image preprocessing on hand-checked inputs. */
class ZeroShotPartsTest {

    @Test
    void promptEnsembleAveragesNormalisedEmbeddingsAndRenormalises() {
        Map<String, float[]> emb = Map.of("a cat", new float[]{3, 0}, "the cat", new float[]{0, 1},
                "a dog", new float[]{0, 5}, "the dog", new float[]{0, 2});
        PromptEnsemble p = new PromptEnsemble(List.of("cat", "dog"), List.of("a {}", "the {}"));
        assertThat(p.prompts(1)).containsExactly("a dog", "the dog");
        float[][] c = p.classEmbeddings(texts -> texts.stream().map(emb::get).toArray(float[][]::new));
        double r = Math.sqrt(0.5);
        assertThat(c[0][0]).isCloseTo((float) r, within(1e-6f));
        assertThat(c[0][1]).isCloseTo((float) r, within(1e-6f));
        assertThat(c[1]).containsExactly(0f, 1f);
        assertThatThrownBy(() -> new PromptEnsemble(List.of("cat"), List.of("a photo")))
                .hasMessageContaining("template \"a photo\" has no {}");
    }

    @Test
    void classifierRanksByCosineWithTiesToTheLowerIndex() {
        ZeroShotClassifier c = new ZeroShotClassifier(new float[][]{{1, 0}, {0, 1}, {0.6f, 0.8f}, {0, 1}});
        double[] s = c.scores(new float[]{0, 2});
        assertThat(s).containsExactly(new double[]{0, 1, 0.8, 1}, within(1e-6));
        assertThat(ZeroShotClassifier.topK(s, 5)).containsExactly(1, 3, 2, 0);
        assertThat(ZeroShotClassifier.topK(s, 1)).containsExactly(1);
        assertThatThrownBy(() -> c.scores(new float[]{1, 2, 3})).hasMessageContaining("share an embedding space");
    }

    @Test
    void resultCountsTop1AndTop5OverLabelledImagesOnly() {
        var p = List.of(new ZeroShotResult.Prediction(java.nio.file.Path.of("a"), 0, new int[]{0, 1}, new double[2]),
                new ZeroShotResult.Prediction(java.nio.file.Path.of("b"), 1, new int[]{0, 1}, new double[2]),
                new ZeroShotResult.Prediction(java.nio.file.Path.of("c"), 1, new int[]{0, 2}, new double[2]),
                new ZeroShotResult.Prediction(java.nio.file.Path.of("d"), -1, new int[]{0, 2}, new double[2]));
        ZeroShotResult r = ZeroShotResult.of(List.of("x", "y", "z"), p);
        assertThat(r.labelled()).isEqualTo(3);
        assertThat(r.top1()).isCloseTo(1 / 3.0, within(1e-12));
        assertThat(r.top5()).isCloseTo(2 / 3.0, within(1e-12));
    }

    @Test
    void wordTokenizerPadsMasksAndMarksUnknownWords() {
        WordTokenizer t = new WordTokenizer(List.of("<pad>", "<unk>", "<bos>", "<eos>", "a", "photo", "of", "cat",
                "."), 6);
        assertThat(WordTokenizer.words("A photo of a T-shirt.")).containsExactly("a", "photo", "of", "a", "t", "-",
                "shirt", ".");
        TokenizedText e = t.encode(List.of("a photo of a cat.", "A dog"));
        long[] ids = new long[12];
        e.inputIds().longs().get(ids);
        long[] mask = new long[12];
        e.attentionMask().longs().get(mask);
        // "a photo of a cat ." = 6 words + bos + eos = 8 > 6: cut, eos kept last
        assertThat(ids).containsExactly(2, 4, 5, 6, 4, 3, /* */ 2, 4, 1, 3, 0, 0);
        assertThat(mask).containsExactly(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0);
        WordTokenizer strict = new WordTokenizer(List.of("a", "cat"), 4);
        assertThatThrownBy(() -> strict.encode(List.of("a dog"))).hasMessageContaining("word 'dog' of \"a dog\" is "
                + "not in the vocabulary");
        long[] plain = new long[4];
        strict.encode(List.of("cat a")).inputIds().longs().get(plain);
        assertThat(plain).containsExactly(1, 0, 0, 0);   // no <pad>: pads with id 0
    }

    static final String WORD_LEVEL_JSON = """
            {"version": "1.0", "truncation": null, "padding": null, "added_tokens": [],
             "normalizer": {"type": "Lowercase"}, "pre_tokenizer": {"type": "Whitespace"},
             "post_processor": null, "decoder": null,
             "model": {"type": "WordLevel", "unk_token": "<unk>", "vocab": %s}}
            """;

    /** Writes a Hugging Face tokenizer.json of a word-level model over {@code vocab} (ids = positions). */
    static java.nio.file.Path tokenizerJson(java.nio.file.Path dir, List<String> vocab) throws java.io.IOException {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < vocab.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append('"').append(vocab.get(i)).append("\": ").append(i);
        }
        return java.nio.file.Files.writeString(dir.resolve("tokenizer.json"),
                String.format(WORD_LEVEL_JSON, sb.append('}')));
    }

    @Test
    void huggingFaceTokenizerJsonLoadsFromTheBundledNativeLibrary(@org.junit.jupiter.api.io.TempDir
                                                                  java.nio.file.Path dir) throws Exception {
        var file = tokenizerJson(dir, List.of("<pad>", "<unk>", "a", "photo", "of", "cat"));
        TextTokenizer t = HuggingFaceTextTokenizer.load(file, 4, 0L);
        TokenizedText e = t.encode(List.of("A photo of a dog", "cat"));
        long[] ids = new long[8];
        e.inputIds().longs().get(ids);
        long[] mask = new long[8];
        e.attentionMask().longs().get(mask);
        // "a photo of a dog" = 2 3 4 2 1 (dog unknown), cut to 4 keeping the last token
        assertThat(ids).containsExactly(2, 3, 4, 1, 5, 0, 0, 0);
        assertThat(mask).containsExactly(1, 1, 1, 1, 1, 0, 0, 0);
        assertThatThrownBy(() -> HuggingFaceTextTokenizer.load(dir.resolve("none.json"), 4, 0L))
                .hasMessageContaining("no tokenizer file at");
    }

    @Test
    void greyImagesAndFlatTowers() {
        BufferedImage grey = new BufferedImage(2, 2, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(1, 0, 0, 51);   // stored grey level, read as is (no colour-space conversion)
        HostTensor t = new ImagePreprocessing(2, 2, 1, new double[]{0}, new double[]{1}).toTensor(List.of(grey));
        assertThat(t.shape().dims()).containsExactly(1, 1, 2, 2);
        assertThat(t.toDoubleArray()).containsExactly(new double[]{0, 0.2, 0, 0}, within(1e-6));
        BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, new Color(255, 0, 0).getRGB());
        assertThat(new ImagePreprocessing(1, 1, 1, new double[]{0}, new double[]{1}).toTensor(List.of(rgb))
                .toDoubleArray()[0]).isCloseTo(0.299, within(1e-6));
        var flat = new io.suffice.api.graph.OnnxModelInfo.TensorSpec("pixels", "FLOAT",
                io.suffice.api.tensor.DType.FLOAT32, List.of("N", "784"));
        assertThat(ImageLayout.of(flat, null)).isEqualTo(new ImageLayout(1, 28, true));
        var chw = new io.suffice.api.graph.OnnxModelInfo.TensorSpec("pixel_values", "FLOAT",
                io.suffice.api.tensor.DType.FLOAT32, List.of("batch", "3", "224", "224"));
        assertThat(ImageLayout.of(chw, null)).isEqualTo(new ImageLayout(3, 224, false));
        assertThat(ImageLayout.of(chw, 196)).isEqualTo(new ImageLayout(3, 196, false));
        var odd = new io.suffice.api.graph.OnnxModelInfo.TensorSpec("x", "FLOAT",
                io.suffice.api.tensor.DType.FLOAT32, List.of("N", "700"));
        assertThatThrownBy(() -> ImageLayout.of(odd, null)).hasMessageContaining("not a square number");
        assertThatThrownBy(() -> new ImagePreprocessing(2, 2, 3, new double[]{0, 0}, new double[]{1}))
                .hasMessageContaining("mean needs 1 or 3 values, got 2");
    }

    @Test
    void preprocessingResizesTheShortSideCropsTheCentreAndNormalises() {
        // 4 x 2 image: columns red, green, blue, white; resize 2 keeps it, crop 2 takes columns 1 and 2
        BufferedImage img = new BufferedImage(4, 2, BufferedImage.TYPE_INT_RGB);
        Color[] cols = {Color.RED, Color.GREEN, Color.BLUE, Color.WHITE};
        for (int x = 0; x < 4; x++) {
            for (int y = 0; y < 2; y++) {
                img.setRGB(x, y, cols[x].getRGB());
            }
        }
        ImagePreprocessing pre = new ImagePreprocessing(2, 2, new double[]{0.5, 0.5, 0.5},
                new double[]{0.5, 0.25, 0.5});
        HostTensor t = pre.toTensor(List.of(img));
        assertThat(t.shape().dims()).containsExactly(1, 3, 2, 2);
        double[] v = t.toDoubleArray();
        // channel R at (y=0, x=0) is the green column: (0 - 0.5) / 0.5 = -1; channel G there: (1 - 0.5) / 0.25 = 2
        assertThat(v[0]).isCloseTo(-1, within(1e-6));
        assertThat(v[4]).isCloseTo(2, within(1e-6));
        // (y=0, x=1) is the blue column: B = (1 - 0.5) / 0.5 = 1
        assertThat(v[8 + 1]).isCloseTo(1, within(1e-6));
        BufferedImage big = new BufferedImage(16, 8, BufferedImage.TYPE_INT_RGB);
        assertThat(new ImagePreprocessing(4, 4, ImagePreprocessing.CLIP_MEAN, ImagePreprocessing.CLIP_STD)
                .resizeAndCrop(big).getWidth()).isEqualTo(4);
        assertThatThrownBy(() -> new ImagePreprocessing(4, 8, ImagePreprocessing.CLIP_MEAN,
                ImagePreprocessing.CLIP_STD)).hasMessageContaining("crop <= resize");
    }
}
