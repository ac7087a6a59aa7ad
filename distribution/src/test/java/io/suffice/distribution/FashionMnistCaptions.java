package io.suffice.distribution;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.data.fmnist.IdxFile;
import io.suffice.data.fmnist.IdxReader;
import io.suffice.downstream.probe.SoftmaxProbe;
import io.suffice.encoders.onnx.FrozenOnnxEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoderSettings;
import io.suffice.encoders.onnx.zeroshot.PromptEnsemble;
import io.suffice.encoders.onnx.zeroshot.WordTokenizer;
import io.suffice.encoders.onnx.zeroshot.ZeroShotClassifier;
import io.suffice.optimizers.Adam;
import io.suffice.optimizers.UpdateOptions;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OnnxExport;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.engine.TrainStep;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The Fashion-MNIST image-caption experiment: an MLP image tower and a bag-of-words text tower are trained
 * contrastively (symmetric InfoNCE, fixed temperature) on (image, "a photo of a {class}"-style caption) pairs with
 * the engine, both towers are exported to ONNX, reloaded through the {@code onnx-file} encoder, and evaluated on the
 * 10,000 test images: zero-shot accuracy with a prompt ensemble, against a linear (softmax) probe fitted on frozen
 * image embeddings of training images.
 */
final class FashionMnistCaptions {
    static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
    static final List<String> CLASSES = List.of("t-shirt", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
            "sneaker", "bag", "ankle boot");
    static final List<String> TRAIN_TEMPLATES = List.of("a photo of a {}", "a picture of the {}", "an image of a {}",
            "a {}");
    static final List<String> ZERO_SHOT_TEMPLATES = List.of("a photo of a {}", "a picture of the {}", "a {}");
    static final int CONTEXT = 8;
    static final int HIDDEN = 128;
    static final int EMBED = 32;

    /**
     * @param trainImages training images used for contrastive training
     * @param steps       Adam steps
     * @param batch       pairs per step
     * @param probeImages training images the probe is fitted on
     * @param seed        seed of initialisation and batches
     */
    record Settings(int trainImages, int steps, int batch, int probeImages, long seed) {
    }

    /**
     * @param finalLoss       InfoNCE loss of the last step
     * @param reloadError     max |embedding from the reloaded ONNX file - embedding in the training graph|
     * @param zeroShotTop1    zero-shot top-1 accuracy on the 10,000 test images
     * @param probeTop1       linear-probe accuracy on the same images
     */
    record Result(double finalLoss, double reloadError, double zeroShotTop1, double probeTop1,
                  double supervisedTop1) {
    }

    static float[] pixels(IdxFile f, int from, int n) {
        float[] out = new float[n * 784];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < 784; k++) {
                out[i * 784 + k] = (float) ((f.get(from + i, k) / 255.0 - 0.2860) / 0.3530);
            }
        }
        return out;
    }

    static List<String> vocab() {
        LinkedHashSet<String> v = new LinkedHashSet<>(List.of("<pad>", "<unk>"));
        for (String t : TRAIN_TEMPLATES) {
            for (String c : CLASSES) {
                v.addAll(WordTokenizer.words(t.replace("{}", c)));
            }
        }
        return new ArrayList<>(v);
    }

    static Result run(Settings s, Path dir) throws IOException {
        IdxFile trainX = IdxReader.read(DATA.resolve("train-images-idx3-ubyte.gz"), 3);
        IdxFile trainY = IdxReader.read(DATA.resolve("train-labels-idx1-ubyte.gz"), 1);
        IdxFile testX = IdxReader.read(DATA.resolve("t10k-images-idx3-ubyte.gz"), 3);
        IdxFile testY = IdxReader.read(DATA.resolve("t10k-labels-idx1-ubyte.gz"), 1);
        List<String> vocab = vocab();
        WordTokenizer tok = new WordTokenizer(vocab, CONTEXT);

        Graph g = new Graph(s.seed());
        Value x = g.input("pixels", DType.FLOAT32, Shape.DYNAMIC, 784);
        Value ids = g.input("input_ids", DType.INT64, Shape.DYNAMIC, CONTEXT);
        Value mask = g.input("attention_mask", DType.INT64, Shape.DYNAMIC, CONTEXT);
        Value eye = g.input("eye", DType.FLOAT32, Shape.DYNAMIC, Shape.DYNAMIC);
        Value w1 = g.parameter("image.w1", Shape.of(784, HIDDEN), Init.normal(Math.sqrt(2.0 / 784)));
        Value b1 = g.parameter("image.b1", Shape.of(HIDDEN), Init.zeros());
        Value w2 = g.parameter("image.w2", Shape.of(HIDDEN, EMBED), Init.normal(Math.sqrt(1.0 / HIDDEN)));
        Value zi = g.matMul(g.relu(g.add(g.matMul(x, w1), b1)), w2);
        Value emb = g.parameter("text.embedding", Shape.of(vocab.size(), EMBED), Init.normal(1.0));
        Value wt = g.parameter("text.w", Shape.of(EMBED, EMBED), Init.normal(Math.sqrt(1.0 / EMBED)));
        Value m = g.unsqueeze(g.cast(mask, DType.FLOAT32), 2);
        Value pooled = g.div(g.reduceSum(g.mul(g.gather(emb, ids, 0), m), false, 1), g.reduceSum(m, false, 1));
        Value zt = g.matMul(pooled, wt);
        Value ni = unit(g, zi);
        Value nt = unit(g, zt);
        Value logits = g.mul(g.matMul(ni, g.transpose(nt)), g.scalar(10.0, DType.FLOAT32));
        Value li = g.reduceMean(g.reduceSum(g.mul(g.logSoftmax(logits, 1), eye), false, 1), false);
        Value lt = g.reduceMean(g.reduceSum(g.mul(g.logSoftmax(logits, 0), eye), false, 0), false);
        Value loss = g.mul(g.add(li, lt), g.scalar(-0.5, DType.FLOAT32));

        ParameterStore store = ParameterStore.of(g);
        Optimizer adam = new Adam(2e-3, 0.9, 0.999, 1e-8, 0, false, UpdateOptions.NONE);
        SplittableRandom rng = new SplittableRandom(s.seed());
        float[] eyeData = new float[s.batch() * s.batch()];
        for (int i = 0; i < s.batch(); i++) {
            eyeData[i * s.batch() + i] = 1;
        }
        HostTensor eyeT = HostTensor.of(eyeData, s.batch(), s.batch());
        double last = Double.NaN;
        Path imageFile = dir.resolve("fmnist-image-tower.onnx");
        Path textFile = dir.resolve("fmnist-text-tower.onnx");
        float[] testPixels = pixels(testX, 0, testX.count());
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            for (int t = 0; t < s.steps(); t++) {
                float[] px = new float[s.batch() * 784];
                List<String> captions = new ArrayList<>();
                for (int i = 0; i < s.batch(); i++) {
                    int j = rng.nextInt(s.trainImages());
                    System.arraycopy(pixels(trainX, j, 1), 0, px, i * 784, 784);
                    String template = TRAIN_TEMPLATES.get(rng.nextInt(TRAIN_TEMPLATES.size()));
                    captions.add(template.replace("{}", CLASSES.get(trainY.get(j, 0))));
                }
                io.suffice.encoders.onnx.zeroshot.TokenizedText e = tok.encode(captions);
                last = step.step(Map.of("pixels", HostTensor.of(px, s.batch(), 784), "input_ids", e.inputIds(),
                        "attention_mask", e.attentionMask(), "eye", eyeT), adam, t, s.steps()).loss();
            }
            OnnxExport.export(imageFile, List.of(x), Map.of("image_embeds", zi), store);
            OnnxExport.export(textFile, List.of(ids, mask), Map.of("text_embeds", zt), store);
        }

        // Reload both towers through the onnx-file encoder and evaluate on the test set.
        int[] labels = new int[testX.count()];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = testY.get(i, 0);
        }
        double zeroShot = zeroShot(imageFile, textFile, testPixels, labels);
        double reloadError;
        double probe;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             FrozenOnnxEncoder image = new OnnxFileEncoder(OnnxFileEncoderSettings.of(imageFile)).open(ex)) {
            float[][] testEmb = rows(image.encode(Map.of("pixels", HostTensor.of(testPixels, testX.count(), 784))));
            reloadError = maxDiff(testEmb, inGraph(store, testPixels, 1000));
            double[][] testFeatures = new double[testX.count()][];
            for (int i = 0; i < testEmb.length; i++) {
                testFeatures[i] = toDouble(testEmb[i]);
            }
            int offset = trainX.count() - s.probeImages();   // probe images come from the end of the training set
            float[][] probeEmb = rows(image.encode(Map.of("pixels",
                    HostTensor.of(pixels(trainX, offset, s.probeImages()), s.probeImages(), 784))));
            double[][] probeFeatures = new double[s.probeImages()][];
            int[] probeLabels = new int[s.probeImages()];
            for (int i = 0; i < probeFeatures.length; i++) {
                probeFeatures[i] = toDouble(probeEmb[i]);
                probeLabels[i] = trainY.get(offset + i, 0);
            }
            probe = SoftmaxProbe.fit(probeFeatures, probeLabels, CLASSES.size(), 1e-4, 500, 1e-6)
                    .accuracy(testFeatures, labels);
        }
        return new Result(last, reloadError, zeroShot, probe, supervised(s, trainX, trainY, testPixels, labels));
    }

    /**
     * The supervised baseline of the same size: the image tower's architecture (784 -> HIDDEN -> EMBED) plus a linear
     * layer to the 10 classes, trained with softmax cross-entropy on the labels of the same training images, with
     * the same optimizer, batch and number of steps; returns its top-1 accuracy on the test images.
     */
    static double supervised(Settings s, IdxFile trainX, IdxFile trainY, float[] testPixels, int[] testLabels) {
        Graph g = new Graph(s.seed());
        Value x = g.input("pixels", DType.FLOAT32, Shape.DYNAMIC, 784);
        Value y = g.input("labels", DType.INT64, Shape.DYNAMIC);
        Value w1 = g.parameter("image.w1", Shape.of(784, HIDDEN), Init.normal(Math.sqrt(2.0 / 784)));
        Value b1 = g.parameter("image.b1", Shape.of(HIDDEN), Init.zeros());
        Value w2 = g.parameter("image.w2", Shape.of(HIDDEN, EMBED), Init.normal(Math.sqrt(1.0 / HIDDEN)));
        Value z = g.matMul(g.relu(g.add(g.matMul(x, w1), b1)), w2);
        Value logits = new io.suffice.api.nn.Linear(g, "classifier", EMBED, CLASSES.size()).apply(z);
        Value loss = io.suffice.api.nn.Losses.crossEntropy(g, logits, y);
        ParameterStore store = ParameterStore.of(g);
        Optimizer adam = new Adam(2e-3, 0.9, 0.999, 1e-8, 0, false, UpdateOptions.NONE);
        SplittableRandom rng = new SplittableRandom(s.seed());
        int correct = 0;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            for (int t = 0; t < s.steps(); t++) {
                float[] px = new float[s.batch() * 784];
                long[] ys = new long[s.batch()];
                for (int i = 0; i < s.batch(); i++) {
                    int j = rng.nextInt(s.trainImages());
                    System.arraycopy(pixels(trainX, j, 1), 0, px, i * 784, 784);
                    ys[i] = trainY.get(j, 0);
                }
                step.step(Map.of("pixels", HostTensor.of(px, s.batch(), 784), "labels", HostTensor.of(ys, s.batch())),
                        adam, t, s.steps());
            }
            float[][] out = rows(ex.compile(g, List.of(x, w1, b1, w2, g.find("classifier.weight"),
                            g.find("classifier.bias")), Map.of("logits", logits))
                    .run(withParameters(store, Map.of("pixels", HostTensor.of(testPixels, testLabels.length, 784))))
                    .get("logits"));
            for (int i = 0; i < out.length; i++) {
                int best = 0;
                for (int c = 1; c < out[i].length; c++) {
                    best = out[i][c] > out[i][best] ? c : best;
                }
                correct += best == testLabels[i] ? 1 : 0;
            }
        }
        return (double) correct / testLabels.length;
    }

    private static Map<String, HostTensor> withParameters(ParameterStore store, Map<String, HostTensor> feeds) {
        Map<String, HostTensor> all = new java.util.HashMap<>(store.asMap());
        all.putAll(feeds);
        return all;
    }

    /**
     * Zero-shot top-1 accuracy of the exported towers, reloaded through the {@code onnx-file} encoder, with the
     * {@link #ZERO_SHOT_TEMPLATES} prompt ensemble.
     *
     * @param pixels normalised pixels, 784 per image
     */
    static double zeroShot(Path imageFile, Path textFile, float[] pixels, int[] labels) {
        WordTokenizer tok = new WordTokenizer(vocab(), CONTEXT);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             FrozenOnnxEncoder image = new OnnxFileEncoder(OnnxFileEncoderSettings.of(imageFile)).open(ex);
             FrozenOnnxEncoder text = new OnnxFileEncoder(OnnxFileEncoderSettings.of(textFile)
                     .withNormalize(true)).open(ex)) {
            PromptEnsemble prompts = new PromptEnsemble(CLASSES, ZERO_SHOT_TEMPLATES);
            ZeroShotClassifier zs = new ZeroShotClassifier(prompts.classEmbeddings(texts -> {
                io.suffice.encoders.onnx.zeroshot.TokenizedText e = tok.encode(texts);
                return rows(text.encode(Map.of("input_ids", e.inputIds(), "attention_mask", e.attentionMask())));
            }));
            float[][] emb = rows(image.encode(Map.of("pixels", HostTensor.of(pixels, labels.length, 784))));
            int hits = 0;
            for (int i = 0; i < emb.length; i++) {
                hits += ZeroShotClassifier.topK(zs.scores(emb[i]), 1)[0] == labels[i] ? 1 : 0;
            }
            return hits / (double) emb.length;
        }
    }

    /** Image embeddings of the first {@code n} images from the trained weights in plain Java (checks the export). */
    private static float[][] inGraph(ParameterStore store, float[] px, int n) {
        float[] w1 = floats(store.get("image.w1"));
        float[] b1 = floats(store.get("image.b1"));
        float[] w2 = floats(store.get("image.w2"));
        float[][] out = new float[n][EMBED];
        double[] h = new double[HIDDEN];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < HIDDEN; j++) {
                double a = b1[j];
                for (int k = 0; k < 784; k++) {
                    a += px[i * 784 + k] * w1[k * HIDDEN + j];
                }
                h[j] = Math.max(a, 0);
            }
            for (int e = 0; e < EMBED; e++) {
                double a = 0;
                for (int j = 0; j < HIDDEN; j++) {
                    a += h[j] * w2[j * EMBED + e];
                }
                out[i][e] = (float) a;
            }
        }
        return out;
    }

    private static Value unit(Graph g, Value z) {
        return g.div(z, g.sqrt(g.add(g.reduceSum(g.mul(z, z), true, -1), g.scalar(1e-12, DType.FLOAT32))));
    }

    private static float[] floats(HostTensor t) {
        float[] f = new float[t.size()];
        t.floats().get(f);
        return f;
    }

    private static float[][] rows(HostTensor t) {
        int n = (int) t.shape().dim(0);
        int d = t.size() / n;
        float[][] out = new float[n][d];
        for (int i = 0; i < n; i++) {
            t.floats().get(i * d, out[i]);
        }
        return out;
    }

    private static double[] toDouble(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    private static double maxDiff(float[][] a, float[][] b) {
        double m = 0;
        for (int i = 0; i < b.length; i++) {
            for (int k = 0; k < b[i].length; k++) {
                m = Math.max(m, Math.abs(a[i][k] - b[i][k]) / (1 + Math.abs(b[i][k])));
            }
        }
        return m;
    }
}
