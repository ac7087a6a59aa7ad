package io.suffice.data.fmnist;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.tensor.HostTensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * Fashion-MNIST as (image, caption) pairs for CLIP-style training (plugin {@code fashion-mnist-captions}): the
 * first {@code images} images of the training split, each paired on every draw with a caption made from one of the
 * caption templates (drawn uniformly) filled with its class name ({@code "a photo of a sneaker"}).
 * <p>
 * Fields: {@code image} float32 [n, 784], pixels {@code (p / 255 - 0.2860) / 0.3530} (the training set's mean and
 * standard deviation); {@code text} int64 [n, T], the caption's word ids padded with {@code <pad>} = 0 to the context
 * length T (words: lower-cased runs of letters and digits and single punctuation marks, the rule of
 * {@code suffice zero-shot --vocab}); {@code label} int64 [n], the class index (0 t-shirt, 1 trouser, 2 pullover,
 * 3 dress, 4 coat, 5 sandal, 6 shirt, 7 sneaker, 8 bag, 9 ankle boot). The vocabulary is fixed by the templates:
 * {@code <pad>}, {@code <unk>}, then every word of every caption and prompt template filled with every class name, in
 * order of first appearance.
 * <p>
 * {@link #sample} draws {@code n} distinct images uniformly and a template for each, from the generator only (so a
 * step's batch depends only on its {@code StepRandom}); {@link #all} is every image with template {@code i mod}
 * the template count. {@link #zeroShot} offers the class names, the prompt templates tokenized, the labelled training
 * images in file order and the 10,000 images of the test split ({@code t10k}) with their labels.
 */
public final class FashionMnistCaptions implements Dataset, ZeroShotSource {
    public static final String IMAGE = "image";
    public static final String TEXT = "text";
    public static final String LABEL = ZeroShotSource.LABEL;
    /** Mean and standard deviation of the training pixels (scaled to [0, 1]). */
    public static final double MEAN = 0.2860;
    public static final double STD = 0.3530;
    public static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal",
            "shirt", "sneaker", "bag", "ankle boot");
    public static final List<String> CAPTION_TEMPLATES = List.of("a photo of a {}", "a picture of the {}",
            "an image of a {}", "a {}");
    public static final List<String> PROMPT_TEMPLATES = List.of("a photo of a {}", "a picture of the {}", "a {}");
    public static final String PAD = "<pad>";
    public static final String UNK = "<unk>";

    private static final int PIXELS = 784;

    private final IdxFile trainImages;
    private final int[] trainLabels;
    private final IdxFile testImages;
    private final int[] testLabels;
    private final int images;
    private final List<String> captionTemplates;
    private final List<String> promptTemplates;
    private final int context;
    private final List<String> vocabulary;
    private final Map<String, Long> ids = new LinkedHashMap<>();
    /** Tokens of template t filled with class c: [t][c][context]. */
    private final long[][][] captions;
    private final long[][][] prompts;

    /**
     * @param directory        folder of the IDX files (plain or .gz) of both splits
     * @param images           training images used (the first ones of the file), 1..60000
     * @param captionTemplates caption templates, each with {@code {}}
     * @param promptTemplates  zero-shot prompt templates, each with {@code {}}
     * @param context          token sequence length T
     * @throws UncheckedIOException     when the files are missing (naming the Debian package) or malformed
     * @throws IllegalArgumentException on bad sizes or templates
     */
    public FashionMnistCaptions(Path directory, int images, List<String> captionTemplates,
                                List<String> promptTemplates, int context) {
        this.captionTemplates = checkTemplates("caption", captionTemplates);
        this.promptTemplates = checkTemplates("prompt", promptTemplates);
        if (context < 1) {
            throw new IllegalArgumentException("context length must be at least 1, got " + context);
        }
        this.context = context;
        try {
            trainImages = IdxReader.read(FashionMnistSubset.locate(directory, "train-images-idx3-ubyte"), 3);
            trainLabels = labels(IdxReader.read(FashionMnistSubset.locate(directory, "train-labels-idx1-ubyte"), 1));
            testImages = IdxReader.read(FashionMnistSubset.locate(directory, "t10k-images-idx3-ubyte"), 3);
            testLabels = labels(IdxReader.read(FashionMnistSubset.locate(directory, "t10k-labels-idx1-ubyte"), 1));
        } catch (IOException e) {
            throw new UncheckedIOException(e.getMessage(), e);
        }
        for (IdxFile f : List.of(trainImages, testImages)) {
            if (f.itemSize() != PIXELS) {
                throw new UncheckedIOException(new IOException(directory + ": images of " + f.itemSize()
                        + " pixels, expected 28 x 28"));
            }
        }
        if (trainImages.count() != trainLabels.length || testImages.count() != testLabels.length) {
            throw new UncheckedIOException(new IOException(directory + ": image and label counts differ"));
        }
        if (images < 1 || images > trainImages.count()) {
            throw new IllegalArgumentException("images must be in 1.." + trainImages.count() + ", got " + images);
        }
        this.images = images;
        LinkedHashSet<String> v = new LinkedHashSet<>(List.of(PAD, UNK));
        for (List<String> ts : List.of(this.captionTemplates, this.promptTemplates)) {
            for (String t : ts) {
                for (String c : CLASSES) {
                    v.addAll(words(fill(t, c)));
                }
            }
        }
        vocabulary = List.copyOf(v);
        for (int i = 0; i < vocabulary.size(); i++) {
            ids.put(vocabulary.get(i), (long) i);
        }
        captions = tokenize(this.captionTemplates);
        prompts = tokenize(this.promptTemplates);
    }

    private static List<String> checkTemplates(String what, List<String> templates) {
        if (templates.isEmpty()) {
            throw new IllegalArgumentException("need at least one " + what + " template");
        }
        for (String t : templates) {
            if (!t.contains("{}")) {
                throw new IllegalArgumentException(what + " template \"" + t + "\" has no {} for the class name");
            }
        }
        return List.copyOf(templates);
    }

    private static int[] labels(IdxFile f) {
        int[] y = new int[f.count()];
        for (int i = 0; i < y.length; i++) {
            y[i] = f.get(i, 0);
        }
        return y;
    }

    private static String fill(String template, String name) {
        return template.replace("{}", name);
    }

    /** Lower-cased runs of letters/digits and single punctuation marks (whitespace separates). */
    public static List<String> words(String text) {
        return io.suffice.api.data.Words.split(text);
    }

    /** Word ids of {@code text}, cut or padded with {@code <pad>} to the context length. */
    public long[] tokens(String text) {
        long[] out = new long[context];
        List<String> w = words(text);
        for (int i = 0; i < Math.min(context, w.size()); i++) {
            out[i] = ids.getOrDefault(w.get(i), ids.get(UNK));
        }
        return out;
    }

    private long[][][] tokenize(List<String> templates) {
        long[][][] out = new long[templates.size()][CLASSES.size()][];
        for (int t = 0; t < templates.size(); t++) {
            for (int c = 0; c < CLASSES.size(); c++) {
                out[t][c] = tokens(fill(templates.get(t), CLASSES.get(c)));
            }
        }
        return out;
    }

    public int context() {
        return context;
    }

    @Override
    public long size() {
        return images;
    }

    /** {@code n} distinct images drawn uniformly, then a caption template for each. */
    @Override
    public Batch sample(int n, RandomGenerator rng) {
        if (n < 1 || n > images) {
            throw new IllegalArgumentException("sample size must be in 1.." + images + ", got " + n);
        }
        int[] rows = new int[n];
        if (2L * n > images) {           // partial Fisher-Yates over every index
            int[] all = new int[images];
            for (int i = 0; i < images; i++) {
                all[i] = i;
            }
            for (int i = 0; i < n; i++) {
                int j = i + rng.nextInt(images - i);
                int t = all[i];
                all[i] = all[j];
                all[j] = t;
                rows[i] = all[i];
            }
        } else {                          // rejection of repeats
            java.util.Set<Integer> seen = new java.util.HashSet<>();
            for (int i = 0; i < n; i++) {
                int j;
                do {
                    j = rng.nextInt(images);
                } while (!seen.add(j));
                rows[i] = j;
            }
        }
        int[] templates = new int[n];
        for (int i = 0; i < n; i++) {
            templates[i] = rng.nextInt(captionTemplates.size());
        }
        return pairs(rows, templates);
    }

    @Override
    public Batch all() {
        int[] rows = new int[images];
        int[] templates = new int[images];
        for (int i = 0; i < images; i++) {
            rows[i] = i;
            templates[i] = i % captionTemplates.size();
        }
        return pairs(rows, templates);
    }

    private Batch pairs(int[] rows, int[] templates) {
        int n = rows.length;
        long[] text = new long[n * context];
        long[] label = new long[n];
        for (int i = 0; i < n; i++) {
            label[i] = trainLabels[rows[i]];
            System.arraycopy(captions[templates[i]][(int) label[i]], 0, text, i * context, context);
        }
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(IMAGE, pixels(trainImages, rows));
        f.put(TEXT, HostTensor.of(text, n, context));
        f.put(LABEL, HostTensor.of(label, n));
        return new Batch(f);
    }

    private static HostTensor pixels(IdxFile f, int[] rows) {
        float[] out = new float[rows.length * PIXELS];
        byte[] data = f.data();
        for (int i = 0; i < rows.length; i++) {
            int base = rows[i] * PIXELS;
            for (int k = 0; k < PIXELS; k++) {
                out[i * PIXELS + k] = (float) (((data[base + k] & 0xff) / 255.0 - MEAN) / STD);
            }
        }
        return HostTensor.of(out, rows.length, PIXELS);
    }

    private static Batch labelled(IdxFile images, int[] labels, int n) {
        int[] rows = new int[n];
        long[] y = new long[n];
        for (int i = 0; i < n; i++) {
            rows[i] = i;
            y[i] = labels[i];
        }
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(IMAGE, pixels(images, rows));
        f.put(LABEL, HostTensor.of(y, n));
        return new Batch(f);
    }

    @Override
    public Optional<ZeroShotSource> zeroShot() {
        return Optional.of(this);
    }

    // ------------------------------------------------------------------ ZeroShotSource

    @Override
    public List<String> classNames() {
        return CLASSES;
    }

    @Override
    public List<String> templates() {
        return promptTemplates;
    }

    @Override
    public HostTensor prompts(int classIndex) {
        long[] out = new long[promptTemplates.size() * context];
        for (int t = 0; t < promptTemplates.size(); t++) {
            System.arraycopy(prompts[t][classIndex], 0, out, t * context, context);
        }
        return HostTensor.of(out, promptTemplates.size(), context);
    }

    @Override
    public List<String> vocabulary() {
        return vocabulary;
    }

    @Override
    public Batch train(int n) {
        if (n < 1 || n > trainImages.count()) {
            throw new IllegalArgumentException("the training split has " + trainImages.count() + " images, asked for "
                    + n);
        }
        return labelled(trainImages, trainLabels, n);
    }

    @Override
    public Batch test() {
        return labelled(testImages, testLabels, testImages.count());
    }
}
