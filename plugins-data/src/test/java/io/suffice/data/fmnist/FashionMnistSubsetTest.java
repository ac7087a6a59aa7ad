package io.suffice.data.fmnist;

import io.suffice.api.data.Batch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FashionMnistSubsetTest {
    @TempDir
    Path dir;

    /** 30 fake 28x28 images, item i of class i % 10 with all pixels equal to 10 * (i % 10) + 5 except pixel 0 = i. */
    private void writeFake(String prefix) throws IOException {
        int n = 30;
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) (i % 10);
            for (int k = 0; k < 784; k++) {
                images[i * 784 + k] = (byte) (k == 0 ? i : 10 * (i % 10) + 5);
            }
        }
        IdxReaderTest.writeGz(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxReaderTest.idx(new int[]{n, 28, 28},
                images));
        Files.write(dir.resolve(prefix + "-labels-idx1-ubyte"), IdxReaderTest.idx(new int[]{n}, labels));
    }

    @Test
    void selectsTwoClassesWithSignedLabelsAndBoundedNorms() throws IOException {
        writeFake("t10k");
        FashionMnistSubset ds = new FashionMnistSubset(dir, FashionMnistSubset.Split.TEST, 3, 7, 5,
                Preprocessing.MAX_NORM, 1);
        Batch b = ds.all();
        assertThat(b.get("x").shape().dims()).containsExactly(5, 784);
        double[] y = b.get("y").toDoubleArray();
        double[] x = b.get("x").toDoubleArray();
        assertThat(y).containsOnly(1.0, -1.0);
        assertThat(java.util.Arrays.stream(y).filter(v -> v == 1).count()).isEqualTo(3);
        double maxNorm = 0;
        for (int i = 0; i < 5; i++) {
            double s = 0;
            for (int k = 0; k < 784; k++) {
                s += x[i * 784 + k] * x[i * 784 + k];
            }
            maxNorm = Math.max(maxNorm, Math.sqrt(s));
            // class 3 pixels are 35/255, class 7 pixels 75/255 before the common scaling: +1 images are darker
            for (int j = 0; j < 5; j++) {
                if (y[i] == 1 && y[j] == -1) {
                    assertThat(x[i * 784 + 5]).isLessThan(x[j * 784 + 5]);
                }
            }
        }
        assertThat(maxNorm).isCloseTo(1, within(1e-6));
    }

    @Test
    void unitNormScalesEveryImageToNormOne() throws IOException {
        writeFake("train");
        Batch b = new FashionMnistSubset(dir, FashionMnistSubset.Split.TRAIN, 0, 1, 6, Preprocessing.UNIT_NORM, 0).all();
        double[] x = b.get("x").toDoubleArray();
        for (int i = 0; i < 6; i++) {
            double s = 0;
            for (int k = 0; k < 784; k++) {
                s += x[i * 784 + k] * x[i * 784 + k];
            }
            assertThat(Math.sqrt(s)).isCloseTo(1, within(1e-6));
        }
    }

    @Test
    void missingFilesNameTheDebianPackage() {
        assertThatThrownBy(() -> new FashionMnistSubset(dir, FashionMnistSubset.Split.TRAIN, 0, 1, 10,
                Preprocessing.MAX_NORM, 0)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("install the Debian package dataset-fashion-mnist")
                .hasMessageContaining("train-images-idx3-ubyte");
    }

    @Test
    void tooFewImagesOfAClassIsAnError() throws IOException {
        writeFake("train");
        assertThatThrownBy(() -> new FashionMnistSubset(dir, FashionMnistSubset.Split.TRAIN, 0, 1, 10,
                Preprocessing.MAX_NORM, 0)).hasMessageContaining("class 0 has 3 images");
    }

    @Test
    void realFilesWhenInstalled() {
        Path real = Path.of(FashionMnistSubset.DEFAULT_DIRECTORY);
        CiRequirement.require(Files.isRegularFile(real.resolve("t10k-images-idx3-ubyte.gz"))
                || Files.isRegularFile(real.resolve("t10k-images-idx3-ubyte")), "Debian package dataset-fashion-mnist");
        FashionMnistSubset ds = new FashionMnistSubset(real, FashionMnistSubset.Split.TEST, 0, 2, 200,
                Preprocessing.MAX_NORM, 0);
        assertThat(ds.size()).isEqualTo(200);
        double[] x = ds.all().get("x").toDoubleArray();
        assertThat(java.util.Arrays.stream(x).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
        assertThat(java.util.Arrays.stream(x).max().orElseThrow()).isGreaterThan(0.01);
    }
}
