package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.cli.SufficeCli;
import io.suffice.runtime.engine.OnnxExport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code suffice zero-shot} end to end on two hand-built towers that share a colour space: the image tower averages
 * each channel, the text tower sums one-hot embeddings of the colour words. Colour images must then be classified
 * perfectly; the PyTorch tiny towers (random weights) exercise the same path on real exported models.
 */
class ZeroShotCommandTest {
    static final List<String> VOCAB = List.of("<pad>", "<unk>", "a", "photo", "of", "red", "green", "blue",
            "picture");

    @TempDir
    Path dir;

    record Result(int status, String out, String err) {
    }

    Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] all = new String[args.length + 2];
        all[0] = "--plugins-dir";
        all[1] = dir.resolve("no-plugins").toString();
        System.arraycopy(args, 0, all, 2, args.length);
        int status = SufficeCli.execute(all, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Result(status, out.toString(), err.toString());
    }

    /** Image tower: FLOAT[N, 3, 4, 4] -> mean over H, W: FLOAT[N, 3]. */
    Path imageTower() throws Exception {
        Graph g = new Graph(0);
        Value x = g.input("pixel_values", DType.FLOAT32, Shape.DYNAMIC, 3, 4, 4);
        Value z = g.reduceMean(x, false, 2, 3);
        Path f = dir.resolve("image.onnx");
        OnnxExport.export(f, List.of(x), Map.of("image_embeds", z), ParameterStore.of(g));
        return f;
    }

    /** Text tower: ids, mask INT64[N, 6] -> sum of one-hot colour embeddings over unmasked tokens: FLOAT[N, 3]. */
    Path textTower() throws Exception {
        Graph g = new Graph(0);
        Value ids = g.input("input_ids", DType.INT64, Shape.DYNAMIC, 6);
        Value mask = g.input("attention_mask", DType.INT64, Shape.DYNAMIC, 6);
        float[] table = new float[VOCAB.size() * 3];
        table[5 * 3] = 1;       // red
        table[6 * 3 + 1] = 1;   // green
        table[7 * 3 + 2] = 1;   // blue
        Value e = g.gather(g.constant(HostTensor.of(table, VOCAB.size(), 3)), ids, 0);     // [N, 6, 3]
        Value m = g.unsqueeze(g.cast(mask, DType.FLOAT32), 2);                             // [N, 6, 1]
        Value z = g.reduceSum(g.mul(e, m), false, 1);
        Path f = dir.resolve("text.onnx");
        OnnxExport.export(f, List.of(ids, mask), Map.of("text_embeds", z), ParameterStore.of(g));
        return f;
    }

    Path colourFolder(boolean labelled) throws Exception {
        Path root = dir.resolve(labelled ? "labelled" : "unlabelled");
        SplittableRandom rng = new SplittableRandom(3);
        Map<String, Color> colours = Map.of("red", Color.RED, "green", Color.GREEN, "blue", Color.BLUE);
        for (var c : colours.entrySet()) {
            Path sub = labelled ? root.resolve(c.getKey()) : root;
            Files.createDirectories(sub);
            for (int i = 0; i < 3; i++) {
                BufferedImage img = new BufferedImage(6 + i, 5, BufferedImage.TYPE_INT_RGB);   // resized + cropped
                for (int x = 0; x < img.getWidth(); x++) {
                    for (int y = 0; y < img.getHeight(); y++) {
                        int jitter = rng.nextInt(60);
                        Color col = c.getValue();
                        img.setRGB(x, y, new Color(Math.max(col.getRed() - jitter, 0),
                                Math.max(col.getGreen() - jitter, 0), Math.max(col.getBlue() - jitter, 0)).getRGB());
                    }
                }
                ImageIO.write(img, i == 2 ? "jpg" : "png", sub.resolve(c.getKey() + i + (i == 2 ? ".jpg" : ".png"))
                        .toFile());
            }
        }
        return root;
    }

    @Test
    void colourTowersClassifyColourImagesPerfectly() throws Exception {
        Path vocab = Files.write(dir.resolve("vocab.txt"), VOCAB);
        Path csv = dir.resolve("out/predictions.csv");
        Result r = run("zero-shot", "--image-encoder", imageTower().toString(), "--text-encoder",
                textTower().toString(), "--classes", "red,green,blue", "--templates", "a photo of {}|a {} picture",
                "--images", colourFolder(true).toString(), "--vocab", vocab.toString(), "--mean", "0.5,0.5,0.5",
                "--std", "0.5,0.5,0.5", "--batch-size", "4", "--out", csv.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("images: 9 (9 labelled), classes: 3, templates: 2", "top-1 accuracy: 1.0000",
                "top-5 accuracy: 1.0000");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(10);
        assertThat(lines.get(0)).startsWith("file,label,pred1,pred2,pred3,pred4,pred5,score1");
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            assertThat(cells[2]).as(line).isEqualTo(cells[1]);
            assertThat(cells[5]).as("only 3 classes").isEmpty();
        }
    }

    @Test
    void aHuggingFaceTokenizerFileWorksLikeTheVocabulary() throws Exception {
        Path tok = ZeroShotPartsTest.tokenizerJson(dir, VOCAB);
        Result r = run("zero-shot", "--image-encoder", imageTower().toString(), "--text-encoder",
                textTower().toString(), "--classes", "red,green,blue", "--templates", "a photo of {}",
                "--images", colourFolder(true).toString(), "--tokenizer", tok.toString(), "--mean", "0.5,0.5,0.5",
                "--std", "0.5,0.5,0.5", "--out", dir.resolve("hf.csv").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("top-1 accuracy: 1.0000");
        Result both = run("zero-shot", "--image-encoder", "a.onnx", "--text-encoder", "b.onnx", "--classes", "x",
                "--images", dir.toString(), "--tokenizer", tok.toString(), "--vocab", tok.toString());
        assertThat(both.status()).isEqualTo(2);
        assertThat(both.err()).contains("mutually exclusive");
    }

    @Test
    void pytorchTowersOnAnUnlabelledFolderWritePredictionsWithoutAccuracy() throws Exception {
        Path vocab = Files.write(dir.resolve("vocab32.txt"), java.util.stream.IntStream.range(0, 32)
                .mapToObj(i -> i < VOCAB.size() ? VOCAB.get(i) : "w" + i).toList());
        Path csv = dir.resolve("p.csv");
        Result r = run("zero-shot", "--image-encoder", resource("tiny-image-tower.onnx"), "--text-encoder",
                resource("tiny-text-tower.onnx"), "--classes", "red,green,blue", "--images",
                colourFolder(false).toString(), "--vocab", vocab.toString(), "--templates", "a photo of {}",
                "--out", csv.toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("images: 9 (0 labelled)").doesNotContain("accuracy");
        List<String> lines = Files.readAllLines(csv);
        assertThat(lines).hasSize(10);
        assertThat(lines.get(1).split(",", -1)[1]).isEmpty();
    }

    @Test
    void subFolderThatIsNotAClassIsReported() throws Exception {
        Path vocab = Files.write(dir.resolve("vocab.txt"), VOCAB);
        Result r = run("zero-shot", "--image-encoder", imageTower().toString(), "--text-encoder",
                textTower().toString(), "--classes", "red,green", "--images", colourFolder(true).toString(),
                "--vocab", vocab.toString());
        assertThat(r.status()).isEqualTo(1);
        assertThat(r.err()).contains("sub-folder 'blue'").contains("is not one of the classes [red, green]");
    }

    @Test
    void greyTowersWorkOnTheDefaultNormalisation() throws Exception {
        Graph g = new Graph(0);
        Value x = g.input("pixel_values", DType.FLOAT32, Shape.DYNAMIC, 1, 4, 4);
        Value z = g.mul(g.reduceMean(x, false, 2, 3), g.constant(HostTensor.of(new float[]{1, -1, 0.5f}, 1, 3)));
        Path grey = dir.resolve("grey.onnx");
        OnnxExport.export(grey, List.of(x), Map.of("image_embeds", z), ParameterStore.of(g));
        Path vocab = Files.write(dir.resolve("vocab.txt"), VOCAB);
        Result r = run("zero-shot", "--image-encoder", grey.toString(), "--text-encoder", textTower().toString(),
                "--classes", "red,green,blue", "--images", colourFolder(true).toString(), "--vocab", vocab.toString(),
                "--out", dir.resolve("grey.csv").toString());
        assertThat(r.status()).as(r.err()).isZero();
        assertThat(r.out()).contains("images: 9 (9 labelled)");
        // the default for one channel: the luma of CLIP's constants, the weights grey images are read with
        assertThat(ImagePreprocessing.clipMean(1)[0]).isCloseTo(0.299 * 0.48145466 + 0.587 * 0.4578275
                + 0.114 * 0.40821073, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ImagePreprocessing.clipStd(3)).containsExactly(ImagePreprocessing.CLIP_STD);
    }

    @Test
    void missingFilesAreUsageErrorsOfOneLine() throws Exception {
        Path vocab = Files.write(dir.resolve("vocab.txt"), VOCAB);
        String images = colourFolder(true).toString();
        Result noModel = run("zero-shot", "--image-encoder", dir.resolve("none.onnx").toString(), "--text-encoder",
                textTower().toString(), "--classes", "red", "--images", images, "--vocab", vocab.toString());
        assertThat(noModel.status()).isEqualTo(2);
        assertThat(noModel.err().strip()).startsWith("error: --image-encoder: no such file").doesNotContain("\n");
        Result noImages = run("zero-shot", "--image-encoder", imageTower().toString(), "--text-encoder",
                textTower().toString(), "--classes", "red", "--images", dir.resolve("nowhere").toString(),
                "--vocab", vocab.toString());
        assertThat(noImages.status()).isEqualTo(2);
        assertThat(noImages.err()).contains("--images: no such folder");
        Result noVocab = run("zero-shot", "--image-encoder", imageTower().toString(), "--text-encoder",
                textTower().toString(), "--classes", "red", "--images", images, "--vocab",
                dir.resolve("v.txt").toString());
        assertThat(noVocab.status()).isEqualTo(2);
        assertThat(noVocab.err()).contains("--vocab: no such file");
        Result noClasses = run("zero-shot", "--image-encoder", imageTower().toString(), "--text-encoder",
                textTower().toString(), "--classes", "@" + dir.resolve("classes.txt"), "--images", images,
                "--vocab", vocab.toString());
        assertThat(noClasses.status()).isEqualTo(2);
        assertThat(noClasses.err()).contains("--classes: no such file");
    }

    static String resource(String name) throws Exception {
        return Path.of(ZeroShotCommandTest.class.getResource("/onnx/" + name).toURI()).toString();
    }
}
