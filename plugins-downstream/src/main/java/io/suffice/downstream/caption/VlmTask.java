package io.suffice.downstream.caption;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.FrozenEncoders;
import io.suffice.downstream.generative.FrozenTower;
import io.suffice.downstream.generative.GenerativeCheckpoint;
import io.suffice.downstream.generative.Resume;
import io.suffice.downstream.generative.Tensors;
import io.suffice.downstream.generative.TrainStep;
import io.suffice.downstream.generative.TrainingLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Vision-language modelling on frozen contrastive features (contrastive-jghm.md sec. 4): trains a
 * {@link CaptionModel} on fresh (image, text) pairs with the run's optimizer, the image entering as the frozen CLIP
 * image embedding ({@code frozen}; towers from a clip checkpoint or a short CLIP pre-training inside the task), as an
 * image encoder trained end-to-end ({@code joint}), or not at all ({@code none}). Reports the mean of the last 100
 * training next-token cross-entropies (80 positions) and a fresh-sample evaluation beside the BP next-token Bayes
 * value and its text-only value, on the same samples. Then writes {@code captions.txt}: for a few fresh images the
 * true text, a greedy and a sampled caption (token sequences), and, over {@code caption-eval} images, how often a
 * sampled caption's BP root MAP agrees with the image's (the true texts' rate beside it).
 * <p>
 * Writes {@code checkpoint.bin} ({@link io.suffice.downstream.generative.GenerativeCheckpoint}: model, frozen tower,
 * optimizer state, loss window) after the last step and every {@code checkpoint-every} steps; {@code resume} continues
 * from one, and at {@code steps} only evaluates, on this run's dataset (the shift-in-p evaluation).
 */
public final class VlmTask implements DownstreamTask {
    private static final Logger LOG = LoggerFactory.getLogger(VlmTask.class);
    private static final int EVAL_CHUNK = 500;
    private static final String NEXT = "next_token_ce";
    private static final String FIRST = "first_token_ce";

    private final VlmSettings s;

    public VlmTask(VlmSettings settings) {
        this.s = settings;
    }

    @Override
    public TaskResult run(RunContext ctx) throws Exception {
        Dataset data = ctx.dataset();
        Optional<BayesOracle> oracle = data.oracle();
        Batch probe = data.sample(1, new SplittableRandom(ctx.seed()));
        int states = oracle.map(BayesOracle::states).orElse(10);
        int length = (int) probe.get(s.textField()).shape().dim(1);
        long imageLength = probe.get(s.imageField()).shape().dim(1);
        Map<String, Double> summary = new LinkedHashMap<>();
        Encoder encoder = s.conditioning() == Conditioning.NONE ? null : ctx.encoder();
        Resume resume = Resume.of(s.resume(), s.steps());
        try (FrozenTower tower = s.conditioning() != Conditioning.FROZEN ? null
                : FrozenEncoders.open(ctx, resume, s.checkpoint(), s.clipSteps(), s.clipBatch(), s.imageField(),
                        s.textField(), "image", imageLength, summary)) {
            CaptionModel model = new CaptionModel(states, length, s.width(), s.depth(), s.heads(), s.conditioning(),
                    DType.FLOAT32);
            Graph g = new Graph(ctx.seed());
            CaptionModel.Built built = model.build(g, tower == null ? 0 : tower.embedding(), encoder, imageLength);
            ParameterStore store = ParameterStore.of(g);
            summary.put("parameters", (double) store.count());
            LOG.info("vlm: conditioning {}, width {}, depth {}, {} parameters, {} steps of {}",
                    s.conditioning().label(), s.width(), s.depth(), store.count(), s.steps(), s.batch());
            List<Value> inputs = new ArrayList<>(g.parameters());
            inputs.addAll(built.inputs());
            Map<String, Value> evalOuts = new LinkedHashMap<>();
            evalOuts.put("logits", built.logits());
            try (TrainStep step = new TrainStep(g, store, built.inputs(), built.loss(),
                    Map.of(NEXT, built.nextTokenCe(), FIRST, built.firstTokenCe()), ctx.executor(),
                    ctx.differentiator());
                 Executable logits = ctx.executor().compile(g, inputs, evalOuts)) {
                TrainingLoop.Outcome out = new TrainingLoop("vlm", s.steps(), s.logEvery(), List.of(NEXT, FIRST))
                        .run(ctx, step, store, ctx.optimizer(), new SplittableRandom(ctx.seed() + 1),
                                r -> feeds(data.sample(s.batch(), r), built, tower), resume,
                                GenerativeCheckpoint.saving(ctx, s.checkpointEvery(), tower, summary));
                summary.put("train_ce_last100", out.extrasLast100().get(NEXT));
                summary.put("train_first_token_ce_last100", out.extrasLast100().get(FIRST));
                if (out.stepsTaken() > 0) {
                    summary.put("steps_per_s", out.stepsPerSecond());
                }
                evaluate(data, oracle.orElse(null), built, tower, logits, store, states, length,
                        new SplittableRandom(ctx.seed() + 2), summary);
                CaptionGenerator gen = new CaptionGenerator(logits, store.asMap(), states, length);
                captions(ctx, data, oracle.orElse(null), built, tower, gen, new SplittableRandom(ctx.seed() + 3),
                        summary);
            }
        }
        LOG.info("vlm: {}", summary.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4f", e.getValue()))
                .collect(Collectors.joining(", ")));
        return new TaskResult(summary);
    }

    private Map<String, HostTensor> feeds(Batch b, CaptionModel.Built built, FrozenTower tower) {
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(CaptionModel.TEXT, Tensors.asLongs(b.get(s.textField())));
        condition(f, b, built, tower);
        return f;
    }

    private void condition(Map<String, HostTensor> f, Batch b, CaptionModel.Built built, FrozenTower tower) {
        HostTensor image = Tensors.asLongs(b.get(s.imageField()));
        built.condition().feed(f, tower == null ? null : tower.embed(image), image);
    }

    /** Next-token cross-entropies (positions 1..L-1) of the model, Bayes and text-only Bayes on fresh pairs. */
    private void evaluate(Dataset data, BayesOracle oracle, CaptionModel.Built built, FrozenTower tower,
                          Executable logits, ParameterStore store, int states, int length, SplittableRandom rng,
                          Map<String, Double> summary) {
        double model = 0;
        double first = 0;
        double bayes = 0;
        double bayesFirst = 0;
        double noCondFirst = 0;
        double noCond = 0;
        int n = 0;
        for (int done = 0; done < s.evalSamples(); done += EVAL_CHUNK) {
            int m = Math.min(EVAL_CHUNK, s.evalSamples() - done);
            Batch b = data.sample(m, rng.split());
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(feeds(b, built, tower));
            double[] lg = logits.run(f).get("logits").toDoubleArray();
            HostTensor text = Tensors.asLongs(b.get(s.textField()));
            long[] x = new long[text.size()];
            text.longs().get(0, x);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < length; j++) {
                    double nll = logSumExp(lg, (i * length + j) * states, states)
                            - lg[(i * length + j) * states + (int) x[i * length + j]];
                    if (j == 0) {
                        first += nll;
                    } else {
                        model += nll;
                    }
                }
            }
            if (oracle != null) {
                double[][][] pb = oracle.nextTokenPosterior(text, Tensors.asLongs(b.get(s.imageField())));
                double[][][] p0 = oracle.nextTokenPosterior(text, null);
                for (int i = 0; i < m; i++) {
                    bayesFirst -= Math.log(pb[i][0][(int) x[i * length]]);
                    noCondFirst -= Math.log(p0[i][0][(int) x[i * length]]);
                    for (int j = 1; j < length; j++) {
                        bayes -= Math.log(pb[i][j][(int) x[i * length + j]]);
                        noCond -= Math.log(p0[i][j][(int) x[i * length + j]]);
                    }
                }
            }
            n += m;
        }
        double positions = (double) n * (length - 1);
        summary.put("eval_ce", model / positions);
        summary.put("eval_first_token_ce", first / n);
        if (oracle != null) {
            summary.put("eval_bayes_ce", bayes / positions);
            summary.put("eval_bayes_ce_no_cond", noCond / positions);
            summary.put("eval_excess_ce", (model - bayes) / positions);
            // 1: as good as Bayes; 0: no better than ignoring the image
            summary.put("eval_conditioning_gain", (noCond - model) / (noCond - bayes));
            summary.put("eval_bayes_first_token_ce", bayesFirst / n);
            summary.put("eval_bayes_first_token_ce_no_cond", noCondFirst / n);
        }
        summary.put("eval_samples", (double) n);
    }

    private static double logSumExp(double[] v, int at, int k) {
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < k; i++) {
            max = Math.max(max, v[at + i]);
        }
        double sum = 0;
        for (int i = 0; i < k; i++) {
            sum += Math.exp(v[at + i] - max);
        }
        return max + Math.log(sum);
    }

    /** Greedy and sampled captions of fresh images, judged and written by {@link CaptionReport}. */
    private void captions(RunContext ctx, Dataset data, BayesOracle oracle, CaptionModel.Built built,
                          FrozenTower tower, CaptionGenerator gen, SplittableRandom rng, Map<String, Double> summary)
            throws java.io.IOException {
        int n = Math.max(s.captions(), s.captionEval());
        if (n == 0) {
            return;
        }
        Batch b = data.sample(n, rng.split());
        Map<String, HostTensor> cond = new LinkedHashMap<>();
        condition(cond, b, built, tower);
        int[][] greedy = gen.generate(cond, n, 0, rng.split());
        int[][] sampled = gen.generate(cond, n, s.temperature(), rng.split());
        String report = CaptionReport.judge(oracle, Tensors.asLongs(b.get(s.imageField())),
                Tensors.asLongs(b.get(s.textField())), greedy, sampled, s.captions(), summary);
        Files.writeString(ctx.directory().resolve("captions.txt"),
                "# " + s.conditioning().label() + " VLM captions\n" + report, StandardCharsets.UTF_8);
        LOG.info("vlm captions (also in captions.txt):\n{}", report);
    }
}
