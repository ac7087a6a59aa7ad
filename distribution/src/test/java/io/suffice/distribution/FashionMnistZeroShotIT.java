package io.suffice.distribution;

import io.suffice.data.fmnist.IdxFile;
import io.suffice.data.fmnist.IdxReader;
import io.suffice.runtime.cli.SufficeCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Fashion-MNIST image-caption experiment at a small scale ({@link FashionMnistCaptions}): towers trained
 * contrastively, exported to ONNX, reloaded through the {@code onnx-file} encoder, then zero-shot classification of
 * the 10,000 test images against a linear probe (chance is 0.1); then {@code suffice zero-shot} on PNG files of test
 * images must report the accuracy the in-process evaluation computes.
 */
class FashionMnistZeroShotIT {

    @Test
    void contrastiveTowersExportReloadAndClassifyZeroShot(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(FashionMnistCaptions.DATA),
                "Debian package dataset-fashion-mnist is not installed");
        var r = FashionMnistCaptions.run(new FashionMnistCaptions.Settings(Integer.getInteger("fm.train", 20_000), Integer.getInteger("fm.steps", 300), 256, Integer.getInteger("fm.probe", 5_000), 1), dir);
        System.out.printf("fashion-mnist captions: final loss %.4f, reload error %.2g, zero-shot top-1 %.4f, "
                + "linear probe %.4f, supervised classifier of the same size %.4f%n", r.finalLoss(), r.reloadError(),
                r.zeroShotTop1(), r.probeTop1(), r.supervisedTop1());
        assertThat(r.reloadError()).isLessThan(1e-4);
        assertThat(r.zeroShotTop1()).isGreaterThan(0.5);
        assertThat(r.probeTop1()).isGreaterThan(0.6);
        assertThat(r.supervisedTop1()).isGreaterThan(0.6);

        // The same towers through `suffice zero-shot` on PNG files of the first 300 test images.
        int n = 300;
        IdxFile images = IdxReader.read(FashionMnistCaptions.DATA.resolve("t10k-images-idx3-ubyte.gz"), 3);
        IdxFile labels = IdxReader.read(FashionMnistCaptions.DATA.resolve("t10k-labels-idx1-ubyte.gz"), 1);
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = labels.get(i, 0);
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int k = 0; k < 784; k++) {
                img.getRaster().setSample(k % 28, k / 28, 0, images.get(i, k));
            }
            Path sub = Files.createDirectories(dir.resolve("images").resolve(FashionMnistCaptions.CLASSES.get(y[i])));
            ImageIO.write(img, "png", sub.resolve(String.format("%04d.png", i)).toFile());
        }
        double inProcess = FashionMnistCaptions.zeroShot(dir.resolve("fmnist-image-tower.onnx"),
                dir.resolve("fmnist-text-tower.onnx"), FashionMnistCaptions.pixels(images, 0, n), y);
        Path vocab = Files.write(dir.resolve("vocab.txt"), FashionMnistCaptions.vocab());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = SufficeCli.execute(new String[]{"--plugins-dir", dir.resolve("plugins").toString(), "zero-shot",
                "--image-encoder", dir.resolve("fmnist-image-tower.onnx").toString(),
                "--text-encoder", dir.resolve("fmnist-text-tower.onnx").toString(),
                "--classes", String.join(",", FashionMnistCaptions.CLASSES),
                "--templates", String.join("|", FashionMnistCaptions.ZERO_SHOT_TEMPLATES),
                "--images", dir.resolve("images").toString(), "--vocab", vocab.toString(),
                "--mean", "0.2860", "--std", "0.3530", "--out", dir.resolve("pred.csv").toString()},
                new PrintWriter(out, true), new PrintWriter(err, true));
        assertThat(status).as(err.toString()).isZero();
        System.out.print(out);
        assertThat(out.toString()).contains(String.format(java.util.Locale.ROOT, "top-1 accuracy: %.4f", inProcess));
        assertThat(Files.readAllLines(dir.resolve("pred.csv"))).hasSize(n + 1);
    }
}
