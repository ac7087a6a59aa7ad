package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Fashion-MNIST image-caption experiment at a small scale ({@link FashionMnistCaptions}): towers trained
 * contrastively, exported to ONNX, reloaded through the {@code onnx-file} encoder, then zero-shot classification of
 * the 10,000 test images against a linear probe. Chance is 0.1.
 */
class FashionMnistZeroShotIT {

    @Test
    void contrastiveTowersExportReloadAndClassifyZeroShot(@TempDir Path dir) throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(FashionMnistCaptions.DATA),
                "Debian package dataset-fashion-mnist is not installed");
        var r = FashionMnistCaptions.run(new FashionMnistCaptions.Settings(Integer.getInteger("fm.train", 20_000), Integer.getInteger("fm.steps", 300), 256, Integer.getInteger("fm.probe", 5_000), 1), dir);
        System.out.printf("fashion-mnist captions: final loss %.4f, reload error %.2g, zero-shot top-1 %.4f, "
                + "linear probe %.4f%n", r.finalLoss(), r.reloadError(), r.zeroShotTop1(), r.probeTop1());
        assertThat(r.reloadError()).isLessThan(1e-4);
        assertThat(r.zeroShotTop1()).isGreaterThan(0.5);
        assertThat(r.probeTop1()).isGreaterThan(0.6);
    }
}
