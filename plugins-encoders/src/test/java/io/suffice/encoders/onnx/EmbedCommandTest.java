package io.suffice.encoders.onnx;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.tensor.HostTensor;
import io.suffice.encoders.onnx.text.HuggingFaceTextTokenizer;
import io.suffice.encoders.onnx.text.TokenizedText;
import io.suffice.encoders.onnx.zeroshot.ImagePreprocessing;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code suffice embed} through the real CLI on the tiny BERT-style fixture and the tiny image tower. */
class EmbedCommandTest {
    @TempDir
    Path dir;

    OnnxInspectCommandTest.Result run(String... args) {
        return OnnxInspectCommandTest.run(dir.resolve("no-plugins"), args);
    }

    static double[][] csv(String text, int rows, int dim) {
        List<String> lines = text.lines().toList();
        StringBuilder header = new StringBuilder("index");
        for (int k = 0; k < dim; k++) {
            header.append(",e").append(k);
        }
        assertThat(lines.get(0)).isEqualTo(header.toString());
        assertThat(lines).hasSize(rows + 1);
        double[][] out = new double[rows][dim];
        for (int i = 0; i < rows; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertThat(f).hasSize(dim + 1);
            assertThat(f[0]).isEqualTo(Integer.toString(i));
            for (int k = 0; k < dim; k++) {
                out[i][k] = Float.parseFloat(f[k + 1]);
            }
        }
        return out;
    }

    @Test
    void textEmbeddingsAreTheFrozenOnnxRuntimeOutputs() throws Exception {
        Path model = Fixtures.file("bert-tiny/bert-tiny-opset11.onnx");
        Path tokenizer = Fixtures.file("bert-tiny/tokenizer.json");
        List<String> texts = OnnxTextPipelineTest.texts();
        Path file = Files.write(dir.resolve("texts.txt"), texts, StandardCharsets.UTF_8);

        // cls pooling = position 0 of last_hidden_state, which ONNX Runtime computes from the tokenizer's feeds
        var r = run("embed", "--model", model.toString(), "--texts", file.toString(), "--tokenizer",
                tokenizer.toString(), "--pooling", "cls");
        assertThat(r.status()).as(r.err()).isZero();
        double[][] cls = csv(r.out(), 3, 16);
        TokenizedText t = HuggingFaceTextTokenizer.load(tokenizer, 0, null).encode(texts);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable session = ex.load(model)) {
            HostTensor h = session.run(Map.of("input_ids", t.inputIds(), "attention_mask", t.attentionMask(),
                    "token_type_ids", t.tokenTypeIds())).get("last_hidden_state");
            int len = t.length();
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 16; k++) {
                    assertThat(cls[i][k]).isEqualTo((double) h.floats().get(i * len * 16 + k));
                }
            }
        }

        // mean pooling leaves padding out: batches of 2 (padded differently) give PyTorch's masked mean too
        Path csvFile = dir.resolve("out/emb.csv");
        var m = run("embed", "--model", model.toString(), "--texts", file.toString(), "--tokenizer",
                tokenizer.toString(), "--batch", "2", "--out", csvFile.toString());
        assertThat(m.status()).as(m.err()).isZero();
        assertThat(m.out()).isEmpty();
        assertThat(m.err()).contains("3 embeddings written to");
        double[][] mean = csv(Files.readString(csvFile), 3, 16);
        double[] hidden = Fixtures.doubles(OnnxTextPipelineTest.REF.get("last_hidden_state").get("data"));
        long[] mask = OnnxTextPipelineTest.longs(Fixtures.longs(OnnxTextPipelineTest.REF.get("attention_mask")));
        for (int i = 0; i < 3; i++) {
            double count = 0;
            double[] e = new double[16];
            for (int s = 0; s < 13; s++) {
                if (mask[i * 13 + s] != 0) {
                    count++;
                    for (int k = 0; k < 16; k++) {
                        e[k] += hidden[(i * 13 + s) * 16 + k];
                    }
                }
            }
            for (int k = 0; k < 16; k++) {
                assertThat(mean[i][k]).isCloseTo(e[k] / count, org.assertj.core.data.Offset.offset(1e-5));
            }
        }

        // --normalize: unit rows; progress on a long input
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            many.add(texts.get(i % 3));
        }
        var n = run("embed", "--model", model.toString(), "--texts", Files.write(dir.resolve("many.txt"), many)
                .toString(), "--tokenizer", tokenizer.toString(), "--batch", "2", "--normalize");
        assertThat(n.status()).as(n.err()).isZero();
        for (double[] row : csv(n.out(), 25, 16)) {
            assertThat(java.util.Arrays.stream(row).map(v -> v * v).sum()).isCloseTo(1, org.assertj.core.data
                    .Offset.offset(1e-5));
        }
        assertThat(n.err()).contains("embedded 25/25");
    }

    @Test
    void imageEmbeddingsUseZeroShotPreprocessing() throws Exception {
        Path images = Files.createDirectories(dir.resolve("imgs"));
        java.util.SplittableRandom rng = new java.util.SplittableRandom(3);
        List<BufferedImage> pics = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            BufferedImage img = new BufferedImage(10, 8, BufferedImage.TYPE_INT_RGB);
            for (int y = 0; y < 8; y++) {
                for (int x = 0; x < 10; x++) {
                    img.setRGB(x, y, rng.nextInt(1 << 24));
                }
            }
            ImageIO.write(img, "png", images.resolve("img" + i + ".png").toFile());
            pics.add(ImageIO.read(images.resolve("img" + i + ".png").toFile()));
        }
        Path model = Fixtures.file("tiny-image-tower.onnx");
        var r = run("embed", "--model", model.toString(), "--images", images.toString());
        assertThat(r.status()).as(r.err()).isZero();
        double[][] got = csv(r.out(), 3, 8);
        HostTensor px = new ImagePreprocessing(8, 8, ImagePreprocessing.CLIP_MEAN, ImagePreprocessing.CLIP_STD)
                .toTensor(pics);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable session = ex.load(model)) {
            double[] z = session.run(Map.of("pixel_values", px)).get("image_embeds").toDoubleArray();
            for (int i = 0; i < 3; i++) {
                for (int k = 0; k < 8; k++) {
                    assertThat(got[i][k]).isEqualTo((double) (float) z[i * 8 + k]);
                }
            }
        }
    }

    @Test
    void usageErrorsAreOneLineAndExit2() throws Exception {
        Path texts = Files.writeString(dir.resolve("t.txt"), "a bag\n");
        String model = Fixtures.file("bert-tiny/bert-tiny-opset11.onnx").toString();
        String tok = Fixtures.file("bert-tiny/tokenizer.json").toString();
        var missingModel = run("embed", "--model", dir.resolve("none.onnx").toString(), "--texts", texts.toString(),
                "--tokenizer", tok);
        assertThat(missingModel.status()).isEqualTo(2);
        assertThat(missingModel.err().strip()).contains("--model: no such file").doesNotContain("\n");
        var missingTokenizer = run("embed", "--model", model, "--texts", texts.toString(), "--tokenizer",
                dir.resolve("tokenizer.json").toString());
        assertThat(missingTokenizer.status()).isEqualTo(2);
        assertThat(missingTokenizer.err()).contains("--tokenizer: no such file");
        var noTokenizer = run("embed", "--model", model, "--texts", texts.toString());
        assertThat(noTokenizer.status()).isEqualTo(2);
        assertThat(noTokenizer.err()).contains("--texts needs the model's tokenizer");
        var badPooling = run("embed", "--model", model, "--texts", texts.toString(), "--tokenizer", tok,
                "--pooling", "max");
        assertThat(badPooling.status()).isEqualTo(2);
        assertThat(badPooling.err()).contains("pooling 'max' is not one of none, mean, cls");
    }
}
