package io.suffice.downstream.clip;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.BayesRisks;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingDivergedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Contrastive (CLIP) pre-training on online paired batches (contrastive-jghm.md sec. 3 and 5): the run's encoder is
 * instantiated twice (an image and a text tower), the objective ({@link ContrastiveObjective}) is differentiated by
 * the runtime's autodiff and each step's gradients go to the run's optimizer (AdamW with clipping and a cosine
 * schedule in the paper's setting). Every step draws a fresh batch from the dataset ({@code batch * K} pairs for the
 * K-candidate risk, grouped by K, candidate 0 the positive pair).
 * <p>
 * Metrics rows every {@code log-every} steps: the step's loss, the mean loss since the last row, steps per second;
 * with {@code guide-penalty > 0} (the guided variant, sec. 5, see {@link ClipModel}) also {@code guide_penalty}, the
 * mean penalty term since the last row. Losses and the summary's risk are always the pure contrastive loss.
 * A non-finite loss stops the run with a {@link TrainingDivergedException} naming the step and the last finite
 * loss. At the end, {@link ClipEvaluation} measures the CLIP risk, zero-shot classification and the sufficiency probe
 * beside the dataset's Bayes oracle (when it has one); the summary reports the mean of the last 100 training losses
 * beside the Bayes CLIP risk.
 */
public final class ClipTask implements DownstreamTask {
    private static final Logger LOG = LoggerFactory.getLogger(ClipTask.class);
    static final int LAST = 100;
    /** File name of the periodic checkpoint in the run folder. */
    public static final String CHECKPOINT = "checkpoint.bin";

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
        Optional<BayesOracle> oracle = data.oracle();
        Encoder encoder = ctx.encoder();
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
        LOG.info("clip: {} towers {}, objective {}{}, {} steps of {} rows", encoder.summary(),
                encoder.getClass().getSimpleName(), s.objective(),
                s.guided() ? ", guided (penalty " + s.guidePenalty() + ")" : "", s.steps(), s.rowsPerStep());
        Map<String, Double> summary = new LinkedHashMap<>();
        try (ClipModel model = new ClipModel(encoder, ctx.seed(), s.objective(), im0.dtype(), im0.shape().dim(1),
                tx0.shape().dim(1), s.batch(), s.candidates(), s.guidePenalty(), oracle.orElse(null), ctx.executor(),
                ctx.differentiator())) {
            summary.put("parameters", (double) model.store().count());
            train(ctx, data, model, ctx.seed(), summary);
            if (oracle.isPresent()) {
                BayesRisks bayes = oracle.get().estimateRisks(s.bayesSamples(), s.candidates(), ctx.seed() + 1);
                double last = summary.get("train_risk_last100");
                summary.put("bayes_clip_risk", bayes.clipRisk());
                summary.put("clip_risk_no_cond", bayes.clipRiskNoCond());
                if (s.objective().equals(ContrastiveObjective.K_CANDIDATE)) {
                    summary.put("excess_train_risk", last - bayes.clipRisk());
                }
                LOG.info(String.format(Locale.ROOT, "clip: train risk (mean of last %d) %.4f, Bayes %.4f, no "
                        + "conditioning %.4f", LAST, last, bayes.clipRisk(), bayes.clipRiskNoCond()));
                summary.put("bayes_zsc_ce", bayes.zscCe());
                summary.put("bayes_zsc_acc", bayes.zscAcc());
                summary.put("zsc_ce_no_cond", bayes.zscCeNoCond());
            }
            ClipEvaluation eval = new ClipEvaluation(s, data, oracle.orElse(null), model, ctx.directory(),
                    ctx.figures());
            summary.putAll(eval.run(rng.split()));
        }
        return new TaskResult(summary);
    }

    /** The data stream of step {@code step}: depends only on the run seed and the step, so a resume repeats it. */
    static SplittableRandom stepRandom(long seed, long step) {
        return new SplittableRandom(seed * 0x9E3779B97F4A7C15L + step * 0xBF58476D1CE4E5B9L + 0x632BE59BD9B4E019L);
    }

    private void train(RunContext ctx, Dataset data, ClipModel model, long seed, Map<String, Double> summary)
            throws IOException {
        Optimizer optimizer = ctx.optimizer();
        double[] ring = new double[LAST];
        long start = 0;
        if (!s.resume().isEmpty()) {
            start = resume(Path.of(s.resume()), model, optimizer, ring);
        }
        double lastFinite = Double.NaN;
        double lastFinitePenalty = Double.NaN;
        double windowSum = 0;
        double windowPenalty = 0;
        int windowCount = 0;
        long t0 = System.nanoTime();
        long tLog = t0;
        long total = s.steps();
        try (Progress progress = ctx.progress("clip", total)) {
            for (long step = start; step < total; step++) {
                Batch b = data.sample(s.rowsPerStep(), stepRandom(seed, step));
                double loss = model.lossAndGradients(b.get(s.imageField()), b.get(s.textField()));
                double penalty = model.lastGuidePenalty();
                if (!Double.isFinite(loss) || !Double.isFinite(penalty)) {
                    throw new TrainingDivergedException(step, values(loss, penalty),
                            Double.isNaN(lastFinite) ? null : values(lastFinite, lastFinitePenalty));
                }
                // the optimiser sees the objective its gradients belong to; the reported risk stays contrastive
                optimizer.step(model.store().tensors(), model.gradients(), new StepInfo(step, total, loss + penalty));
                lastFinite = loss;
                lastFinitePenalty = penalty;
                ring[(int) (step % LAST)] = loss;
                windowSum += loss;
                windowPenalty += penalty;
                windowCount++;
                boolean last = step == total - 1;
                if ((step + 1) % s.logEvery() == 0 || last) {
                    long now = System.nanoTime();
                    double rate = windowCount / ((now - tLog) / 1e9);
                    Map<String, Double> row = new LinkedHashMap<>();
                    row.put("loss", loss);
                    row.put("loss_mean", windowSum / windowCount);
                    if (s.guided()) {
                        row.put("guide_penalty", windowPenalty / windowCount);
                    }
                    row.put("steps_per_s", rate);
                    ctx.metrics().log(step + 1, row);
                    windowSum = 0;
                    windowPenalty = 0;
                    windowCount = 0;
                    tLog = now;
                }
                if (s.checkpointEvery() > 0 && ((step + 1) % s.checkpointEvery() == 0 || last)) {
                    checkpoint(step + 1, model, optimizer, ring).write(ctx.directory().resolve(CHECKPOINT));
                }
                progress.update(step + 1, String.format(Locale.ROOT, "loss=%.4f", loss));
            }
        }
        total = total - start;
        int n = (int) Math.min(LAST, s.steps());
        double sum = 0;
        for (int i = 0; i < n; i++) {
            sum += ring[i];
        }
        summary.put("train_risk_last100", sum / n);
        if (total > 0) {   // an evaluation-only resume trains nothing, so it has no rate to report
            summary.put("steps_per_s", total / ((System.nanoTime() - t0) / 1e9));
        }
    }

    /** The values a divergence report names: the loss, and the guide penalty term of the guided variant. */
    private Map<String, Double> values(double loss, double penalty) {
        Map<String, Double> v = new LinkedHashMap<>();
        v.put("loss", loss);
        if (s.guided()) {
            v.put("guide_penalty", penalty);
        }
        return v;
    }

    static ClipCheckpoint checkpoint(long step, ClipModel model, Optimizer optimizer, double[] ring) {
        Map<String, HostTensor> t = new LinkedHashMap<>();
        model.store().asMap().forEach((k, v) -> t.put("param/" + k, v.copy()));
        optimizer.state().forEach((k, v) -> t.put("optim/" + k, v.copy()));
        t.put("task/last_losses", HostTensor.of(ring.clone(), ring.length));
        return new ClipCheckpoint(step, t);
    }

    private long resume(Path file, ClipModel model, Optimizer optimizer, double[] ring) throws IOException {
        ClipCheckpoint c = ClipCheckpoint.read(file);
        Map<String, HostTensor> params = new LinkedHashMap<>();
        Map<String, HostTensor> optim = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("param/")) {
                params.put(k.substring(6), v);
            } else if (k.startsWith("optim/")) {
                optim.put(k.substring(6), v);
            }
        });
        model.store().load(params);
        optimizer.restore(optim);
        double[] r = c.tensors().get("task/last_losses").toDoubleArray();
        System.arraycopy(r, 0, ring, 0, Math.min(r.length, ring.length));
        if (c.step() > s.steps()) {
            throw new IllegalArgumentException("checkpoint " + file + " is at step " + c.step() + ", beyond steps "
                    + s.steps());
        }
        LOG.info("clip: resumed from {} at step {}", file, c.step());
        return c.step();
    }
}
