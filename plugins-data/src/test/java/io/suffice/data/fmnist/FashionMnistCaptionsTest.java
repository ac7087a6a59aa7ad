package io.suffice.data.fmnist;

import io.suffice.api.data.Batch;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

class FashionMnistCaptionsTest {
    @TempDir
    Path dir;

    /** {@code n} fake images, item i of class (i + shift) % 10, all pixels (i * 7) % 256. */
    private void writeFake(String prefix, int n, int shift) throws IOException {
        byte[] images = new byte[n * 784];
        byte[] labels = new byte[n];
        for (int i = 0; i < n; i++) {
            labels[i] = (byte) ((i + shift) % 10);
            Arrays.fill(images, i * 784, (i + 1) * 784, (byte) ((i * 7) % 256));
        }
        IdxReaderTest.writeGz(dir.resolve(prefix + "-images-idx3-ubyte.gz"), IdxReaderTest.idx(new int[]{n, 28, 28},
                images));
        IdxReaderTest.writeGz(dir.resolve(prefix + "-labels-idx1-ubyte.gz"), IdxReaderTest.idx(new int[]{n}, labels));
    }

    private FashionMnistCaptions dataset(int images) throws IOException {
        writeFake("train", 50, 0);
        writeFake("t10k", 20, 3);
        return new FashionMnistCaptions(dir, images, FashionMnistCaptions.CAPTION_TEMPLATES,
                FashionMnistCaptions.PROMPT_TEMPLATES, 8);
    }

    @Test
    void samplesDistinctNormalisedImagesWithCaptionsOfTheirClass() throws IOException {
        FashionMnistCaptions ds = dataset(40);
        Batch b = ds.sample(30, new SplittableRandom(5));
        HostTensor image = b.get("image");
        HostTensor text = b.get("text");
        HostTensor label = b.get("label");
        assertThat(image.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(image.shape().dims()).containsExactly(30, 784);
        assertThat(text.dtype()).isEqualTo(DType.INT64);
        assertThat(text.shape().dims()).containsExactly(30, 8);
        assertThat(label.dtype()).isEqualTo(DType.INT64);
        Set<Integer> rows = new HashSet<>();
        Set<String> captionsSeen = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            // the fake image i has every pixel (i * 7) % 256 and class i % 10: recover i from the pixel value
            double p = image.floats().get(i * 784 + 100) * FashionMnistCaptions.STD + FashionMnistCaptions.MEAN;
            int src = -1;
            for (int j = 0; j < 40; j++) {
                if (Math.abs((j * 7) % 256 / 255.0 - p) < 1e-5) {
                    src = j;
                }
            }
            assertThat(src).as("row %d comes from one of the first 40 images", i).isBetween(0, 39);
            assertThat(rows.add(src)).as("rows are distinct").isTrue();
            assertThat(label.longs().get(i)).isEqualTo(src % 10);
            long[] tokens = new long[8];
            text.longs().get(i * 8, tokens);
            String caption = decode(ds.vocabulary(), tokens);
            String name = FashionMnistCaptions.CLASSES.get(src % 10);
            assertThat(FashionMnistCaptions.CAPTION_TEMPLATES.stream().map(t -> String.join(" ",
                    FashionMnistCaptions.words(t.replace("{}", name))))).contains(caption);
            captionsSeen.add(caption.replace(String.join(" ", FashionMnistCaptions.words(name)), "{}"));
        }
        assertThat(captionsSeen).as("every template is drawn").hasSize(4);
    }

    @Test
    void theSampleDependsOnlyOnTheGenerator() throws IOException {
        FashionMnistCaptions ds = dataset(50);
        Batch a = ds.sample(25, new SplittableRandom(9));
        Batch b = ds.sample(25, new SplittableRandom(9));
        Batch c = ds.sample(25, new SplittableRandom(10));
        for (String f : List.of("image", "text", "label")) {
            assertThat(b.get(f).toDoubleArray()).containsExactly(a.get(f).toDoubleArray());
        }
        assertThat(c.get("label").toDoubleArray()).isNotEqualTo(a.get("label").toDoubleArray());
        // all 50 without replacement: a permutation
        double[] all = ds.sample(50, new SplittableRandom(1)).get("label").toDoubleArray();
        assertThat(Arrays.stream(all).sum()).isEqualTo(5 * 45.0);
        assertThatThrownBy(() -> ds.sample(51, new SplittableRandom(1))).hasMessageContaining("1..50");
    }

    @Test
    void offersClassNamesTokenizedPromptsAndBothLabelledSplits() throws IOException {
        FashionMnistCaptions ds = dataset(50);
        ZeroShotSource z = ds.zeroShot().orElseThrow();
        assertThat(z.classNames()).hasSize(10).startsWith("t-shirt").endsWith("ankle boot");
        assertThat(z.vocabulary()).startsWith("<pad>", "<unk>", "a", "photo", "of", "t", "-", "shirt");
        HostTensor p = z.prompts(9);
        assertThat(p.shape().dims()).containsExactly(3, 8);
        long[] row = new long[8];
        p.longs().get(8, row);
        assertThat(decode(z.vocabulary(), row)).isEqualTo("a picture of the ankle boot");
        p.longs().get(16, row);
        assertThat(row).containsExactly(ds.tokens("a ankle boot"));
        Batch test = z.test();
        assertThat(test.size()).isEqualTo(20);
        assertThat(test.get("label").longs().get(0)).isEqualTo(3);       // the t10k files' classes are shifted by 3
        assertThat(test.get("image").floats().get(784 * 2))
                .isCloseTo((float) ((14 / 255.0 - FashionMnistCaptions.MEAN) / FashionMnistCaptions.STD), within(1e-6f));
        Batch train = z.train(12);
        assertThat(train.get("label").toDoubleArray()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1);
        assertThat(train.fields()).containsOnlyKeys("image", "label");
    }

    @Test
    void missingFilesNameThePackage() {
        assertThatThrownBy(() -> new FashionMnistCaptions(dir, 10, FashionMnistCaptions.CAPTION_TEMPLATES,
                FashionMnistCaptions.PROMPT_TEMPLATES, 8)).isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("dataset-fashion-mnist");
    }

    private static String decode(List<String> vocab, long[] tokens) {
        StringBuilder s = new StringBuilder();
        for (long t : tokens) {
            if (t != 0) {
                s.append(s.length() > 0 ? " " : "").append(vocab.get((int) t));
            }
        }
        return s.toString();
    }
}
