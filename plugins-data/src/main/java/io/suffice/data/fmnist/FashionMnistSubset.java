package io.suffice.data.fmnist;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.data.Subsets;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

/**
 * A two-class subset of Fashion-MNIST (Xiao, Rasul, Vollgraf 2017; the stand-in for the paper's CIFAR-10 pair): the
 * images of class {@code positive} (label +1) and class {@code negative} (label -1) of one split, {@code n} of them
 * ({@code ceil(n/2)} positive, {@code floor(n/2)} negative) chosen uniformly at random from {@code seed}, kept in
 * file order, flattened to 784 pixels and preprocessed by {@link Preprocessing} so that {@code ||x_i|| <= 1}.
 * Class indices: 0 T-shirt/top, 1 Trouser, 2 Pullover, 3 Dress, 4 Coat, 5 Sandal, 6 Shirt, 7 Sneaker, 8 Bag,
 * 9 Ankle boot.
 * <p>
 * Files: {@code <directory>/<prefix>-images-idx3-ubyte[.gz]} and {@code <prefix>-labels-idx1-ubyte[.gz]} with prefix
 * {@code train} or {@code t10k}, as installed by the Debian package {@code dataset-fashion-mnist} under
 * {@value #DEFAULT_DIRECTORY}. Fields: {@code x} float32 [n, 784], {@code y} float32 [n] in {-1, +1}.
 * <p>
 * With {@code testN > 0} a held-out set of {@code testN} images of the same two classes comes from the <em>other</em>
 * split's files (t10k for train, train for t10k), chosen from {@code seed} in the same way, as fields
 * fields {@code x}, {@code y} of {@link #heldOut()}: tasks that report test accuracy use them. The
 * held-out images are preprocessed together with the training ones (one {@code max-norm} factor, one pixel mean for
 * {@code center-max-norm}), so that both sides see the same map from pixels to inputs and {@code ||x|| <= 1} holds for
 * both; only that scalar (or mean) is shared, no label.
 */
public final class FashionMnistSubset implements Dataset {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    private final HostTensor x;
    private final HostTensor y;
    /** The held-out images and labels, or null without a test set. */
    private final HostTensor xTest;
    private final HostTensor yTest;

    /** Which file pair to read. */
    public enum Split {
        TRAIN("train"), TEST("t10k");

        private final String prefix;

        Split(String prefix) {
            this.prefix = prefix;
        }

        public String prefix() {
            return prefix;
        }
    }

    /**
     * @throws UncheckedIOException     if the files are missing (the message says which package to install) or
     *                                  malformed
     * @throws IllegalArgumentException if a class has too few images for {@code n}
     */
    public FashionMnistSubset(Path directory, Split split, int positive, int negative, int n,
                              Preprocessing preprocessing, long seed) {
        this(directory, split, positive, negative, n, 0, preprocessing, seed);
    }

    /**
     * @param testN held-out images from the other split (0: none)
     * @throws UncheckedIOException     if the files are missing (the message says which package to install) or
     *                                  malformed
     * @throws IllegalArgumentException if a class has too few images for {@code n} or {@code testN}
     */
    public FashionMnistSubset(Path directory, Split split, int positive, int negative, int n, int testN,
                              Preprocessing preprocessing, long seed) {
        if (positive == negative || positive < 0 || positive > 9 || negative < 0 || negative > 9) {
            throw new IllegalArgumentException("need two different classes in 0..9, got " + positive + " and "
                    + negative);
        }
        if (n < 2 || testN < 0) {
            throw new IllegalArgumentException("need n >= 2 and test-n >= 0, got " + n + " and " + testN);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        double[] train = pixels(directory, split, positive, negative, n, rng);
        double[] test = testN == 0 ? new double[0]
                : pixels(directory, split == Split.TRAIN ? Split.TEST : Split.TRAIN, positive, negative, testN, rng);
        int d = train.length / n - 1;
        double[] values = new double[(n + testN) * d];
        float[] ys = new float[n];
        float[] ysTest = new float[testN];
        unpack(train, n, d, values, 0, ys);
        unpack(test, testN, d, values, n, ysTest);
        preprocessing.apply(values, n + testN, d);
        x = floats(values, 0, n, d);
        y = HostTensor.of(ys, n);
        xTest = testN == 0 ? null : floats(values, n, testN, d);
        yTest = testN == 0 ? null : HostTensor.of(ysTest, testN);
    }

    /**
     * {@code count} images of the two classes from one split, chosen from {@code rng}, as rows of {@code 1 + d}
     * values: the label (+1 / -1), then the pixels / 255.
     */
    private static double[] pixels(Path directory, Split split, int positive, int negative, int count,
                                   SplittableRandom rng) {
        IdxFile images;
        IdxFile labels;
        try {
            images = IdxReader.read(locate(directory, split.prefix() + "-images-idx3-ubyte"), 3);
            labels = IdxReader.read(locate(directory, split.prefix() + "-labels-idx1-ubyte"), 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        if (images.count() != labels.count()) {
            throw new UncheckedIOException(new IOException(directory + ": " + images.count() + " images but "
                    + labels.count() + " labels for split " + split.prefix()));
        }
        int nPos = (count + 1) / 2;
        int[] pos = choose(labels, positive, nPos, rng);
        int[] neg = choose(labels, negative, count - nPos, rng);
        int[] chosen = new int[count];
        System.arraycopy(pos, 0, chosen, 0, pos.length);
        System.arraycopy(neg, 0, chosen, pos.length, neg.length);
        Arrays.sort(chosen);
        int d = images.itemSize();
        double[] rows = new double[count * (d + 1)];
        for (int i = 0; i < count; i++) {
            int src = chosen[i];
            rows[i * (d + 1)] = labels.get(src, 0) == positive ? 1 : -1;
            for (int k = 0; k < d; k++) {
                rows[i * (d + 1) + 1 + k] = images.get(src, k) / 255.0;
            }
        }
        return rows;
    }

    /** Splits rows of {@link #pixels} into labels and the pixel block starting at row {@code at} of {@code values}. */
    private static void unpack(double[] rows, int count, int d, double[] values, int at, float[] labels) {
        for (int i = 0; i < count; i++) {
            labels[i] = (float) rows[i * (d + 1)];
            System.arraycopy(rows, i * (d + 1) + 1, values, (at + i) * d, d);
        }
    }

    private static HostTensor floats(double[] values, int fromRow, int rows, int d) {
        HostTensor t = HostTensor.zeros(DType.FLOAT32, Shape.of(rows, d));
        FloatBuffer xs = t.floats();
        for (int k = 0; k < rows * d; k++) {
            xs.put(k, (float) values[fromRow * d + k]);
        }
        return t;
    }

    static Path locate(Path directory, String base) throws IOException {
        for (String name : List.of(base, base + ".gz")) {
            Path p = directory.resolve(name);
            if (Files.isRegularFile(p)) {
                return p;
            }
        }
        throw new IOException("Fashion-MNIST file " + base + "[.gz] not found in " + directory
                + "; install the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist), "
                + "or set the dataset's directory parameter to a folder holding the IDX files");
    }

    /** {@code count} random indices of items labelled {@code label}, in increasing order. */
    private static int[] choose(IdxFile labels, int label, int count, SplittableRandom rng) {
        List<Integer> all = new ArrayList<>();
        for (int i = 0; i < labels.count(); i++) {
            if (labels.get(i, 0) == label) {
                all.add(i);
            }
        }
        if (all.size() < count) {
            throw new IllegalArgumentException("class " + label + " has " + all.size() + " images, fewer than the "
                    + count + " requested");
        }
        for (int i = 0; i < count; i++) {
            int j = i + rng.nextInt(all.size() - i);
            Integer t = all.get(i);
            all.set(i, all.get(j));
            all.set(j, t);
        }
        return all.subList(0, count).stream().mapToInt(Integer::intValue).sorted().toArray();
    }

    @Override
    public long size() {
        return y.size();
    }

    @Override
    public Batch sample(int n, RandomGenerator rng) {
        return Subsets.sample(all(), n, rng);
    }

    @Override
    public Batch all() {
        return new Batch(Map.of("x", x, "y", y));
    }

    @Override
    public Optional<Batch> heldOut() {
        return xTest == null ? Optional.empty() : Optional.of(new Batch(Map.of("x", xTest, "y", yTest)));
    }
}
