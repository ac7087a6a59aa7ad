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
 */
public final class FashionMnistSubset implements Dataset {
    /** Where the Debian package {@code dataset-fashion-mnist} installs the files. */
    public static final String DEFAULT_DIRECTORY = "/usr/share/datasets/fashion-mnist";

    private final HostTensor x;
    private final HostTensor y;

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
        if (positive == negative || positive < 0 || positive > 9 || negative < 0 || negative > 9) {
            throw new IllegalArgumentException("need two different classes in 0..9, got " + positive + " and "
                    + negative);
        }
        if (n < 2) {
            throw new IllegalArgumentException("need n >= 2, got " + n);
        }
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
        SplittableRandom rng = new SplittableRandom(seed);
        int nPos = (n + 1) / 2;
        int[] pos = choose(labels, positive, nPos, rng);
        int[] neg = choose(labels, negative, n - nPos, rng);
        int[] chosen = new int[n];
        System.arraycopy(pos, 0, chosen, 0, pos.length);
        System.arraycopy(neg, 0, chosen, pos.length, neg.length);
        Arrays.sort(chosen);

        int d = images.itemSize();
        double[] values = new double[n * d];
        float[] ys = new float[n];
        for (int i = 0; i < n; i++) {
            int src = chosen[i];
            ys[i] = labels.get(src, 0) == positive ? 1f : -1f;
            for (int k = 0; k < d; k++) {
                values[i * d + k] = images.get(src, k) / 255.0;
            }
        }
        preprocessing.apply(values, n, d);
        x = HostTensor.zeros(DType.FLOAT32, Shape.of(n, d));
        FloatBuffer xs = x.floats();
        for (int k = 0; k < values.length; k++) {
            xs.put(k, (float) values[k]);
        }
        y = HostTensor.of(ys, n);
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
}
