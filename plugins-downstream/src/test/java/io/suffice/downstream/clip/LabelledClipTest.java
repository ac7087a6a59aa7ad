package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.HostTensor;
import io.suffice.encoders.mlp.MlpEncoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clip task on a labelled image-caption dataset (a {@link ZeroShotSource}): float image vectors for the image
 * tower, int word ids for the text tower (one mlp config, bag of words for the tokens), InfoNCE, then zero-shot,
 * linear-probe and supervised accuracies on the held-out split.
 */
class LabelledClipTest {
    @TempDir
    Path dir;

    /**
     * Three classes; image = 3 e_c + N(0, I) in 6 dimensions (the Bayes classifier is right about 98% of the time:
     * the class means are 3 sqrt(2) apart); caption "a {c}" = [1, 3+c, 0, 0] or "a photo {c}" = [1, 2, 3+c, 0],
     * pad 0. Training images are rows of a fixed pool of 3000, the test split 600 more from another seed.
     */
    static final class Blobs implements Dataset, ZeroShotSource {
        static final int DIM = 6;
        static final int CLASSES = 3;
        static final int T = 4;
        private final float[][] train;
        private final int[] trainLabels;
        private final float[][] test;
        private final int[] testLabels;

        Blobs() {
            train = new float[3000][];
            trainLabels = new int[train.length];
            fill(train, trainLabels, new SplittableRandom(11));
            test = new float[600][];
            testLabels = new int[test.length];
            fill(test, testLabels, new SplittableRandom(12));
        }

        private static void fill(float[][] x, int[] y, SplittableRandom rng) {
            for (int i = 0; i < x.length; i++) {
                y[i] = rng.nextInt(CLASSES);
                x[i] = new float[DIM];
                for (int k = 0; k < DIM; k++) {
                    x[i][k] = (float) ((k == y[i] ? 3 : 0) + rng.nextGaussian());
                }
            }
        }

        static long[] caption(int template, int c) {
            return template == 0 ? new long[]{1, 3 + c, 0, 0} : new long[]{1, 2, 3 + c, 0};
        }

        private static Batch batch(float[][] x, int[] y, int[] rows, int[] templates) {
            float[] im = new float[rows.length * DIM];
            long[] tx = new long[rows.length * T];
            long[] lb = new long[rows.length];
            for (int i = 0; i < rows.length; i++) {
                System.arraycopy(x[rows[i]], 0, im, i * DIM, DIM);
                lb[i] = y[rows[i]];
                if (templates != null) {
                    System.arraycopy(caption(templates[i], y[rows[i]]), 0, tx, i * T, T);
                }
            }
            Map<String, HostTensor> f = new LinkedHashMap<>();
            f.put("image", HostTensor.of(im, rows.length, DIM));
            if (templates != null) {
                f.put("text", HostTensor.of(tx, rows.length, T));
            }
            f.put(LABEL, HostTensor.of(lb, rows.length));
            return new Batch(f);
        }

        @Override
        public long size() {
            return train.length;
        }

        @Override
        public Batch sample(int n, RandomGenerator rng) {
            int[] rows = new int[n];
            int[] templates = new int[n];
            for (int i = 0; i < n; i++) {
                rows[i] = rng.nextInt(train.length);
                templates[i] = rng.nextInt(2);
            }
            return batch(train, trainLabels, rows, templates);
        }

        @Override
        public Batch all() {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<ZeroShotSource> zeroShot() {
            return Optional.of(this);
        }

        @Override
        public List<String> classNames() {
            return List.of("x", "y", "z");
        }

        @Override
        public List<String> templates() {
            return List.of("a {}", "a photo {}");
        }

        @Override
        public HostTensor prompts(int c) {
            long[] out = new long[2 * T];
            System.arraycopy(caption(0, c), 0, out, 0, T);
            System.arraycopy(caption(1, c), 0, out, T, T);
            return HostTensor.of(out, 2, T);
        }

        @Override
        public List<String> vocabulary() {
            return List.of("<pad>", "a", "photo", "x", "y", "z");
        }

        @Override
        public Batch train(int n) {
            return batch(train, trainLabels, java.util.stream.IntStream.range(0, n).toArray(), null);
        }

        @Override
        public Batch test() {
            return batch(test, testLabels, java.util.stream.IntStream.range(0, test.length).toArray(), null);
        }
    }

    private ClipTaskTest.Ctx context(long steps) {
        ClipTaskTest outer = new ClipTaskTest();
        outer.dir = dir;
        MlpEncoder enc = new MlpEncoder("encoder", List.of(16L), 8, 6, MlpEncoder.BAG_OF_WORDS, 8, 0);
        return outer.new Ctx(new Blobs(), enc, 1e-2, steps);
    }

    private static ClipSettings settings(long steps, boolean supervised) {
        return new ClipSettings(ContrastiveObjective.INFONCE, steps, 32, 4, 20, "image", "text", "root", 50, 100, 600,
                List.of(1L), 500, 300, 0, supervised);
    }

    @Test
    void trainsFloatImagesAgainstTokenCaptionsAndReportsZeroShotProbeAndSupervisedAccuracy() throws Exception {
        ClipTaskTest.Ctx ctx = context(200);
        TaskResult r;
        try (ctx.executor) {
            r = new ClipTask(settings(200, true)).run(ctx);
        }
        Map<String, Double> s = r.summary();
        // 600 test images, three classes: chance is 1/3, the Bayes classifier about 0.98; each method, given the
        // class structure, should be near Bayes (measured: zero-shot 0.972, probe 0.965, supervised 0.972)
        assertThat(s.get(LabelledEvaluation.ZERO_SHOT)).isGreaterThan(0.93);
        assertThat(s.get(LabelledEvaluation.PROBE)).isGreaterThan(0.93);
        assertThat(s.get(LabelledEvaluation.SUPERVISED)).isGreaterThan(0.93);
        // the JGHM evaluations give way (no oracle, no root): no zero-shot CE curve or sufficiency probe
        assertThat(s).doesNotContainKeys("zsc_ce_m1", "probe_root_ce").containsKey("eval_clip_risk");
        // metrics rows are the contrastive run's only (the supervised reference is an auxiliary plan)
        assertThat(ctx.rows).hasSize(11);
        assertThat(Files.readAllLines(dir.resolve(ClipTask.VOCABULARY))).containsExactly("<pad>", "a", "photo", "x",
                "y", "z");
    }

    @Test
    void anUntrainedPairIsNearChanceAndTheSupervisedReferenceCanBeSwitchedOff() throws Exception {
        ClipTaskTest.Ctx ctx = context(1);
        TaskResult r;
        try (ctx.executor) {
            r = new ClipTask(settings(1, false)).run(ctx);
        }
        Map<String, Double> s = r.summary();
        // one step from random towers: the captions have not been tied to the clusters yet (measured zero-shot 0.628,
        // against 0.972 trained), while a probe on the random image features still separates the blobs (a random
        // 16-unit GELU layer keeps them apart; measured 0.915)
        assertThat(s.get(LabelledEvaluation.ZERO_SHOT)).isLessThan(0.8);
        assertThat(s.get(LabelledEvaluation.PROBE)).isGreaterThan(0.9);
        assertThat(s).doesNotContainKey(LabelledEvaluation.SUPERVISED);
    }
}
