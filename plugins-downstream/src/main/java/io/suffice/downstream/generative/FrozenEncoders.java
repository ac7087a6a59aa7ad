package io.suffice.downstream.generative;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.ResumePoint;
import io.suffice.api.train.StepRandom;
import io.suffice.api.train.TrainingPlan;
import io.suffice.api.train.TrainingResult;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.downstream.contrastive.ContrastiveObjective;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The trained parameters of a contrastive image/text pair (contrastive-jghm.md sec. 3), the source of the frozen
 * encoders of the generative tasks: read from a clip run's checkpoint by the training core when one is given
 * ({@code task.checkpoint}), otherwise obtained by a short K-candidate CLIP run of the run's encoder and optimizer
 * inside the task (an auxiliary run of the core: progress only, no metrics rows or checkpoints, which belong to the
 * generative task). A generative run carries the tower it used in its own checkpoints ({@link #carried}), so a run
 * resumed with {@code run.resume} takes it from there.
 */
public final class FrozenEncoders {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenEncoders.class);
    private static final int CANDIDATES = 4;
    /** Mixed into the run seed for the pre-training's data stream, so it differs from the task's own. */
    private static final long PRETRAINING_SEED = 0x5DEECE66DL;
    /** The pre-training stream of the one sample that tells the token dtype and lengths. */
    private static final long PROBE_STREAM = 1;
    /** Loss name of the pre-training (its divergence report names it, so it is not mistaken for the task's). */
    private static final String PRETRAINING_LOSS = "clip_loss";
    private static final int WINDOW = 100;
    /** Prefix of the frozen tower's parameters among a plan's carried tensors. */
    private static final String FROZEN = "frozen/";

    /** Trained parameters by name ({@code image.*}, {@code text.*}) and the mean of the last CLIP losses (or NaN). */
    public record Pretrained(Map<String, HostTensor> parameters, double clipRiskLast100) {
    }

    private FrozenEncoders() {
    }

    /** Summary key of the in-task CLIP pre-training's last-100 risk (NaN when the towers came from a file). */
    public static final String CLIP_RISK = "clip_risk_last100";

    /**
     * Opens the frozen {@code tower} ({@code image} or {@code text}) of the run's encoder. Its trained parameters come
     * from the checkpoint the run resumes ({@link io.suffice.api.train.Trainer#resumePoint()}: the tower the model
     * was trained with, {@linkplain #carried carried} in it; {@code task.checkpoint} and the pre-training are then
     * not used), else from the clip run {@code s.checkpoint()} when it is not empty, else from a CLIP pre-training of
     * {@code s.clipSteps()} steps inside the task. The pre-training's last-100 risk (NaN for a clip checkpoint; the
     * carried value for a resume) goes to {@code summary} as {@code clip_risk_last100}. The caller closes the tower.
     *
     * @param length tokens per sequence of the tower's modality
     */
    public static FrozenTower open(RunContext ctx, GenerativeSettings s, String tower, long length,
                                   Map<String, Double> summary) {
        Optional<ResumePoint> resume = ctx.trainer().resumePoint();
        if (resume.isPresent()) {
            Map<String, HostTensor> carried = resume.get().carried();
            Map<String, HostTensor> params = new LinkedHashMap<>();
            carried.forEach((k, v) -> {
                if (k.startsWith(FROZEN)) {
                    params.put(k.substring(FROZEN.length()), v);
                }
            });
            if (params.isEmpty()) {
                throw new IllegalArgumentException("the checkpoint of run.resume (step " + resume.get().step()
                        + ") carries no frozen " + tower + " tower: it was not trained with task.conditioning="
                        + "frozen");
            }
            if (!s.checkpoint().isEmpty()) {
                LOG.info("frozen encoders: task.checkpoint {} not used; the {} tower comes from run.resume",
                        s.checkpoint(), tower);
            }
            HostTensor risk = carried.get(CLIP_RISK);
            summary.put(CLIP_RISK, risk == null ? Double.NaN : risk.toDoubleArray()[0]);
            return new FrozenTower(ctx.encoder(), tower, length, params, "the checkpoint of run.resume",
                    ctx.executor());
        }
        Pretrained pre = s.checkpoint().isEmpty()
                ? train(ctx, s.clipSteps(), s.clipBatch(), s.imageField(), s.textField())
                : fromCheckpoint(ctx, Path.of(s.checkpoint()));
        summary.put(CLIP_RISK, pre.clipRiskLast100());
        return new FrozenTower(ctx.encoder(), tower, length, pre.parameters(),
                s.checkpoint().isEmpty() ? "the in-task CLIP pre-training" : "task.checkpoint " + s.checkpoint(),
                ctx.executor());
    }

    /**
     * What a generative run's plan carries so that a resumed run rebuilds the same frozen tower
     * ({@code frozen/<parameter>}) and reports the same {@code clip_risk_last100} (a 1-element tensor); empty
     * without a tower.
     */
    public static Map<String, HostTensor> carried(FrozenTower tower, Map<String, Double> summary) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        if (tower != null) {
            tower.parameters().forEach((k, v) -> m.put(FROZEN + k, v));
            m.put(CLIP_RISK, HostTensor.of(new double[]{summary.getOrDefault(CLIP_RISK, Double.NaN)}, 1));
        }
        return m;
    }

    /**
     * The trained towers of a clip run, read by the training core ({@link io.suffice.api.train.Trainer#parameters}):
     * every parameter of its checkpoint, of which the caller uses its tower's {@code <tower>.*} entries.
     *
     * @param file a clip run's folder or its checkpoint file
     * @throws IllegalArgumentException one line naming the file: what the core finds wrong with it, or that it holds
     *                                  no clip towers (no {@code image.*} or no {@code text.*} parameters, e.g. a
     *                                  generative task's own checkpoint, which is resumed rather than read as towers)
     */
    public static Pretrained fromCheckpoint(RunContext ctx, Path file) {
        Map<String, HostTensor> params = ctx.trainer().parameters(file);
        for (String tower : new String[]{ClipModel.IMAGE, ClipModel.TEXT}) {
            if (params.keySet().stream().noneMatch(k -> k.startsWith(tower + "."))) {
                throw new IllegalArgumentException(file + " holds no clip towers: no " + tower + ".* parameter among "
                        + params.size() + " (" + String.join(", ", params.keySet().stream().limit(5).toList())
                        + (params.size() > 5 ? ", ..." : "") + "); give a clip run's checkpoint (a generative task's "
                        + "own checkpoint is resumed with run.resume)");
            }
        }
        LOG.info("frozen encoders: {} parameters from {}", params.size(), file);
        return new Pretrained(params, Double.NaN);
    }

    /**
     * Trains the run's encoder as a CLIP pair for {@code steps} steps of {@code batch} K=4 candidate groups, through
     * the training core as an auxiliary run (progress and divergence stop, no metrics rows, checkpoints or export:
     * metrics.csv and the checkpoints belong to the generative task). Step t draws its groups with
     * {@code StepRandom.of(seed ^ 0x5DEECE66D, 0, t)}, a stream of its own beside the task's.
     *
     * @param imageField batch field of the image tokens
     * @param textField  batch field of the text tokens
     * @return copies of the trained parameters and the mean of the last 100 training losses
     */
    public static Pretrained train(RunContext ctx, long steps, int batch, String imageField, String textField) {
        Dataset data = ctx.dataset();
        long seed = ctx.seed() ^ PRETRAINING_SEED;
        Batch probe = data.sample(1, StepRandom.of(seed, PROBE_STREAM, 0));
        HostTensor im0 = probe.get(imageField);
        HostTensor tx0 = probe.get(textField);
        try (ClipModel model = new ClipModel(ctx.encoder(), ctx.seed(), ContrastiveObjective.K_CANDIDATE, im0.dtype(),
                im0.shape().dim(1), tx0.shape().dim(1), batch, CANDIDATES, ctx.executor())) {
            TrainingPlan plan = model.plan("clip pre-training", ctx.optimizer(),
                            model.batches(data, seed, 0, batch * CANDIDATES, imageField, textField), steps)
                    .lossName(PRETRAINING_LOSS)
                    .window(WINDOW)
                    .auxiliary()
                    .build();
            TrainingResult result = ctx.trainer().fit(plan);
            Map<String, HostTensor> params = new LinkedHashMap<>();
            model.store().asMap().forEach((k, v) -> params.put(k, v.copy()));
            double risk = result.windowMean(PRETRAINING_LOSS);
            LOG.info(String.format(Locale.ROOT, "frozen encoders: CLIP pre-training %d steps, last-100 risk %.4f",
                    steps, risk));
            return new Pretrained(params, risk);
        }
    }
}
