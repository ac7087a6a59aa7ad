package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveBayesRisk;
import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.data.ZeroShotSource;
import io.suffice.api.io.AtomicFiles;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.TokenizingEncoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Contrastive (CLIP) pre-training on online paired batches (contrastive-jghm.md sec. 3 and 5): the run's encoder is
 * instantiated twice (an image and a text tower, {@link ClipModel}) and its {@linkplain ClipModel#plan training plan}
 * goes to the run's training core ({@link RunContext#trainer()}), which differentiates the objective
 * ({@link ContrastiveObjective}), hands each step's gradients to the run's optimizer (AdamW with clipping and a cosine
 * schedule in the paper's setting) and owns the metrics rows, the divergence stop, checkpoints
 * ({@code run.checkpoint-every}), resume ({@code run.resume}) and export ({@code run.export}: {@code image-encoder.onnx},
 * {@code text-encoder.onnx}). Step t draws a fresh batch from the dataset ({@code batch * K} pairs for the
 * K-candidate risk, grouped by K, candidate 0 the positive pair) from a generator of the seed and t only.
 * <p>
 * Metrics rows every {@code log-every} steps: the loss at the parameters after t updates, the mean loss since the
 * last row, steps per second; with {@code guide-penalty > 0} (the guided variant, sec. 5, see {@link ClipModel}) also
 * {@code guide_penalty}, the penalty term. Losses and the summary's risk are always the pure contrastive loss. At the
 * end, {@link ClipEvaluation} measures the CLIP risk, zero-shot classification and the sufficiency probe beside the
 * dataset's Bayes oracle (when it has one); the summary reports the mean of the last 100 training losses beside the
 * Bayes CLIP risk.
 * <p>
 * On a labelled image-caption dataset (one offering {@link Dataset#zeroShot()}, e.g. {@code fashion-mnist-captions}:
 * float pixels for the image tower, int word ids for the text tower, each tower's input dtype and length taken from
 * the dataset's batch) the JGHM zero-shot and sufficiency evaluations give way to {@link LabelledEvaluation}:
 * zero-shot top-1 with a prompt ensemble, a linear probe and a supervised reference, on the held-out test split;
 * the text tower's vocabulary is written as {@value #VOCABULARY} (for {@code suffice zero-shot --vocab} on the
 * exported towers).
 */
public final class ClipTask implements DownstreamTask {
    private static final Logger LOG = LoggerFactory.getLogger(ClipTask.class);
    /** The window of the reported training risk (the paper's "mean of the last 100 training losses"). */
    static final int LAST = 100;
    /** Stream id of the training data ({@link io.suffice.api.train.StepRandom}). */
    static final long TRAINING_STREAM = 0;

    /** The text tower's vocabulary (line i = token id i), written beside the exports for labelled datasets. */
    static final String VOCABULARY = "vocab.txt";

    private final ClipSettings s;

    public ClipTask(ClipSettings settings) {
        this.s = settings;
    }

    public ClipSettings settings() {
        return s;
    }

    @Override
    public TaskResult run(RunContext ctx) throws Exception {
        Dataset data = ctx.dataset();
        Encoder encoder = ctx.encoder();
        Encoder textEncoder = ctx.textEncoder().orElse(encoder);
        if (textEncoder instanceof TokenizingEncoder t && t.hasTokenizer()) {
            data = RetokenizedCaptions.of(data, s.textField(), t);   // captions through the tower's own tokenizer
        }
        Optional<BayesOracle> oracle = data.oracle();
        SplittableRandom rng = new SplittableRandom(ctx.seed());
        Batch probe = data.sample(s.rowsPerStep(), rng.split());
        HostTensor im0 = probe.get(s.imageField());
        HostTensor tx0 = probe.get(s.textField());
        if (im0.shape().rank() != 2 || tx0.shape().rank() != 2) {
            throw new IllegalArgumentException("clip needs plain pairs [n, T] in fields '" + s.imageField() + "' and '"
                    + s.textField() + "', got " + im0.shape() + " and " + tx0.shape()
                    + " (set the dataset's candidates to 1; the task forms the K-candidate groups itself)");
        }
        if (s.guided() && oracle.isEmpty()) {
            throw new IllegalArgumentException("guide-penalty = " + s.guidePenalty() + " needs a dataset with a Bayes "
                    + "oracle (its BP level beliefs are the targets), but " + data.getClass().getSimpleName()
                    + " has none");
        }
        LOG.info("clip: {} towers {}, objective {}{}, {} steps of {} rows", encoder.summary()
                        + (textEncoder != encoder ? "; text tower " + textEncoder.summary() : ""),
                encoder.getClass().getSimpleName(), s.objective(),
                s.guided() ? ", guided (penalty " + s.guidePenalty() + ")" : "", s.steps(), s.rowsPerStep());
        Map<String, Double> summary = new LinkedHashMap<>();
        Optional<ZeroShotSource> labelled = data.zeroShot();
        try (ClipModel model = new ClipModel(encoder, textEncoder, ctx.seed(), s.objective(), im0.dtype(),
                im0.shape().dim(1),
                tx0.dtype(), tx0.shape().dim(1), s.batch(), s.candidates(), s.guidePenalty(), oracle.orElse(null),
                ctx.executor(), ClipModel.GuideTarget.of(s.guideTarget()))) {
            summary.put("parameters", (double) model.store().count());
            TrainingPlan plan = plan(model, ctx, data);
            TrainingResult trained = ctx.trainer().fit(plan);
            double last = trained.windowMean(plan.lossName());
            summary.put("train_risk_last100", last);
            if (trained.stepsTaken() > 0) {   // an evaluation-only resume trains nothing, so it has no rate
                summary.put("steps_per_s", trained.stepsPerSecond());
            }
            if (oracle.isPresent()) {
                // the Bayes risks on fresh K-candidate groups of the data model (a stream apart from training's)
                Batch groups = oracle.get().sample(s.bayesSamples(), s.candidates(), ctx.seed() + 1);
                Map<String, Estimate> clip = new ContrastiveBayesRisk().estimate(oracle.get(), groups);
                Estimate bayes = clip.get(ContrastiveBayesRisk.RISK);
                Estimate noCond = clip.get(ContrastiveBayesRisk.NO_CONDITIONING);
                bayes.putInto(summary, "bayes_clip_risk");
                noCond.putInto(summary, "clip_risk_no_cond");
                if (s.objective().equals(ContrastiveObjective.K_CANDIDATE)) {
                    summary.put("excess_train_risk", last - bayes.mean());
                }
                LOG.info(String.format(Locale.ROOT, "clip: train risk (mean of last %d) %.4f, Bayes %.4f +- %.4f, no "
                        + "conditioning %.4f", LAST, last, bayes.mean(), bayes.se(), noCond.mean()));
                Map<String, Estimate> zsc = new ZeroShotBayesRisk().estimate(oracle.get(), groups);
                zsc.get(ZeroShotBayesRisk.CE).putInto(summary, "bayes_zsc_ce");
                zsc.get(ZeroShotBayesRisk.ACCURACY).putInto(summary, "bayes_zsc_acc");
                zsc.get(ZeroShotBayesRisk.CE_NO_CONDITIONING).putInto(summary, "zsc_ce_no_cond");
            }
            ClipEvaluation eval = new ClipEvaluation(s, data, oracle.orElse(null), model, ctx.directory(),
                    ctx.figures());
            if (labelled.isEmpty()) {
                summary.putAll(eval.run(rng.split()));
            } else {
                // no oracle here: the risk alone, without the NaN Bayes columns
                summary.put("eval_clip_risk", eval.clipRisk(rng.split()).get("eval_clip_risk"));
                AtomicFiles.writeString(ctx.directory().resolve(VOCABULARY),
                        String.join("\n", labelled.get().vocabulary()) + "\n");
                summary.putAll(new LabelledEvaluation(s, labelled.get(), model).run(ctx));
            }
        }
        return new TaskResult(summary);
    }

    /** The run's plan: the model's objective on the training stream of the run seed, with the task's settings. */
    TrainingPlan plan(ClipModel model, RunContext ctx, Dataset data) {
        return model.plan("clip", ctx.optimizer(), model.batches(data, ctx.seed(), TRAINING_STREAM, s.rowsPerStep(),
                        s.imageField(), s.textField()), s.steps())
                .logEvery(s.logEvery())
                .window(LAST)
                .build();
    }
}
