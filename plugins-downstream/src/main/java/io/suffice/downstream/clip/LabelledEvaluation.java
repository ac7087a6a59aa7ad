package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.Tokens;
import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.Linear;
import io.suffice.api.nn.Losses;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.BatchSource;
import io.suffice.api.train.StepRandom;
import io.suffice.api.train.TrainingPlan;
import io.suffice.downstream.probe.SoftmaxProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The evaluations of a CLIP pair trained on a labelled image-caption dataset (one that offers a
 * {@link ZeroShotSource}, e.g. {@code fashion-mnist-captions}), all top-1 accuracies on the first
 * {@code zero-shot-images} images of the held-out test split:
 * <ul>
 *   <li>{@value #ZERO_SHOT}: zero-shot classification with a prompt ensemble. Each class's prompts (every template
 *   filled with its name) are embedded by the text tower and averaged (InfoNCE: the unit-normalised embeddings, as
 *   open_clip does; k-candidate: the raw embeddings, its score being the raw dot product); an image gets the class
 *   of the highest trained score {@link ClipModel#score} (InfoNCE: the cosine times {@code exp(t)}).</li>
 *   <li>{@value #PROBE}: a linear (softmax) probe ({@link SoftmaxProbe}, L2 1e-4) fitted on the frozen image
 *   embeddings of the first {@code probe-train} training images.</li>
 *   <li>{@value #SUPERVISED} (task {@code supervised: true}): the supervised reference of the same size, the image
 *   tower's architecture (a fresh instance of the run's encoder, parameters {@code supervised.*}) plus a linear layer
 *   to the classes, trained with softmax cross-entropy on the labels through the training core as an auxiliary plan
 *   (no metrics rows, checkpoints or export) with a fresh optimizer of the run's config, the same number of steps and
 *   rows per step as the contrastive run, step t drawing its images with {@code StepRandom.of(seed, 1, t)}.</li>
 * </ul>
 */
final class LabelledEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(LabelledEvaluation.class);
    static final String ZERO_SHOT = "zero_shot_top1";
    static final String PROBE = "probe_top1";
    static final String SUPERVISED = "supervised_top1";
    /** Stream id of the supervised reference's training data ({@link StepRandom}). */
    static final long SUPERVISED_STREAM = 1;
    private static final int CHUNK = 1024;

    private final ClipSettings s;
    private final ZeroShotSource view;
    private final ClipModel model;

    LabelledEvaluation(ClipSettings s, ZeroShotSource view, ClipModel model) {
        this.s = s;
        this.view = view;
        this.model = model;
    }

    /** The evaluations the settings ask for, then the supervised reference when {@code ctx} is given. */
    Map<String, Double> run(RunContext ctx) {
        Map<String, Double> out = new LinkedHashMap<>();
        Batch test = view.test();
        int n = Math.min(s.zeroShotImages() > 0 ? s.zeroShotImages() : s.probeTest(), test.size());
        HostTensor testImages = Tokens.rows(test.get(s.imageField()), 0, n);
        int[] testLabels = labels(test.get(ZeroShotSource.LABEL), n);
        double[][] testEmbeddings = model.embedImages(testImages);
        if (s.zeroShotImages() > 0) {
            double acc = zeroShot(testEmbeddings, testLabels);
            out.put(ZERO_SHOT, acc);
            LOG.info(String.format(Locale.ROOT, "zero-shot top-1 %.4f on %d test images (%d classes, %d prompt "
                    + "templates)", acc, n, view.classNames().size(), view.templates().size()));
        }
        if (s.probeTrain() > 0) {
            Batch train = view.train(s.probeTrain());
            double[][] x = model.embedImages(train.get(s.imageField()));
            SoftmaxProbe p = SoftmaxProbe.fit(x, labels(train.get(ZeroShotSource.LABEL), s.probeTrain()),
                    view.classNames().size(), 1e-4, 3000, 1e-6);
            double acc = p.accuracy(testEmbeddings, testLabels);
            out.put(PROBE, acc);
            LOG.info(String.format(Locale.ROOT, "linear probe top-1 %.4f (fitted on the image embeddings of %d "
                    + "training images)", acc, s.probeTrain()));
        }
        if (s.supervised() && ctx != null) {
            double acc = supervised(ctx, testImages, testLabels);
            if (!Double.isNaN(acc)) {
                out.put(SUPERVISED, acc);
                LOG.info(String.format(Locale.ROOT, "supervised reference (image tower + linear layer, %d steps on "
                        + "labels) top-1 %.4f", s.steps(), acc));
            }
        }
        return out;
    }

    /** Top-1 accuracy of the prompt-ensemble zero-shot classifier on the given image embeddings. */
    double zeroShot(double[][] images, int[] labels) {
        double[][] classes = classEmbeddings();
        int hits = 0;
        for (int i = 0; i < images.length; i++) {
            int best = 0;
            double bestScore = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes.length; c++) {
                double sc = model.score(images[i], classes[c]);
                if (sc > bestScore) {
                    bestScore = sc;
                    best = c;
                }
            }
            hits += best == labels[i] ? 1 : 0;
        }
        return hits / (double) images.length;
    }

    /** One text embedding per class: the mean over templates (of unit vectors for InfoNCE). */
    double[][] classEmbeddings() {
        int classes = view.classNames().size();
        double[][] out = new double[classes][];
        boolean unit = model.objective().equals(ContrastiveObjective.INFONCE);
        for (int c = 0; c < classes; c++) {
            double[][] e = model.embedTexts(view.prompts(c));
            double[] mean = new double[e[0].length];
            for (double[] row : e) {
                double norm = unit ? Math.sqrt(dot(row, row) + 1e-12) : 1;
                for (int k = 0; k < row.length; k++) {
                    mean[k] += row[k] / norm / e.length;
                }
            }
            out[c] = mean;
        }
        return out;
    }

    /** Trains the supervised reference and returns its test accuracy (NaN when the batches carry no labels). */
    private double supervised(RunContext ctx, HostTensor testImages, int[] testLabels) {
        Dataset data = ctx.dataset();
        long seed = ctx.seed();
        int rows = s.rowsPerStep();
        Batch first = data.sample(rows, StepRandom.of(seed, SUPERVISED_STREAM, 0));
        if (!first.fields().containsKey(ZeroShotSource.LABEL)) {
            LOG.warn("supervised reference skipped: the dataset's batches have no '{}' field", ZeroShotSource.LABEL);
            return Double.NaN;
        }
        HostTensor im0 = first.get(s.imageField());
        Graph g = new Graph(seed);
        Value x = g.input(ClipModel.IMAGE, im0.dtype(), Shape.DYNAMIC, im0.shape().dim(1));
        Value y = g.input(ZeroShotSource.LABEL, DType.INT64, Shape.DYNAMIC);
        Encoder tower = ctx.encoder().withName("supervised");
        Value z = tower.forward(g, x);
        Value logits = new Linear(g, "supervised.classifier", z.shape().dim(1), view.classNames().size()).apply(z);
        Value loss = Losses.crossEntropy(g, logits, y);
        ParameterStore store = ParameterStore.of(g);
        BatchSource batches = step -> {
            Batch b = data.sample(rows, StepRandom.of(seed, SUPERVISED_STREAM, step));
            return Map.of(ClipModel.IMAGE, b.get(s.imageField()), ZeroShotSource.LABEL,
                    Tokens.asLongs(b.get(ZeroShotSource.LABEL), rows));
        };
        TrainingPlan plan = TrainingPlan.builder("supervised reference", g, loss, store, ctx.optimizer(), batches,
                        s.steps())
                .inputs(List.of(x, y))
                .logEvery(s.logEvery())
                .window(ClipTask.LAST)
                .auxiliary()
                .build();
        ctx.trainer().fit(plan);
        List<Value> in = new ArrayList<>(g.parameters());
        in.add(x);
        int n = testLabels.length;
        int hits = 0;
        try (Executable exec = ctx.executor().compile(g, in, Map.of("logits", logits))) {
            for (int from = 0; from < n; from += CHUNK) {
                int to = Math.min(n, from + CHUNK);
                Map<String, HostTensor> feeds = new LinkedHashMap<>();
                for (String name : exec.inputNames()) {
                    feeds.put(name, name.equals(ClipModel.IMAGE) ? Tokens.rows(testImages, from, to)
                            : store.get(name));
                }
                double[] l = exec.run(feeds).get("logits").toDoubleArray();
                int c = view.classNames().size();
                for (int i = from; i < to; i++) {
                    int best = 0;
                    for (int k = 1; k < c; k++) {
                        best = l[(i - from) * c + k] > l[(i - from) * c + best] ? k : best;
                    }
                    hits += best == testLabels[i] ? 1 : 0;
                }
            }
        }
        return hits / (double) n;
    }

    private static int[] labels(HostTensor t, int n) {
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = Tokens.at(t, i, 0);
        }
        return y;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
