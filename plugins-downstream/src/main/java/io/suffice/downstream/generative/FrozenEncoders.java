package io.suffice.downstream.generative;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.task.Progress;
import io.suffice.api.task.RunContext;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingDivergedException;
import io.suffice.downstream.clip.ClipCheckpoint;
import io.suffice.downstream.clip.ClipModel;
import io.suffice.downstream.clip.ContrastiveObjective;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The trained parameters of a contrastive image/text pair (contrastive-jghm.md sec. 3), the source of the frozen
 * encoders of the generative tasks: read from a clip task's {@code checkpoint.bin} when one is given, otherwise
 * obtained by a short K-candidate CLIP run of the run's encoder and optimizer inside the task (logged, not written
 * to metrics.csv, whose columns belong to the generative task).
 */
public final class FrozenEncoders {
    private static final Logger LOG = LoggerFactory.getLogger(FrozenEncoders.class);
    private static final int CANDIDATES = 4;

    /** Trained parameters by name ({@code image.*}, {@code text.*}) and the mean of the last CLIP losses (or NaN). */
    public record Pretrained(Map<String, HostTensor> parameters, double clipRiskLast100) {
    }

    private FrozenEncoders() {
    }

    /** Summary key of the in-task CLIP pre-training's last-100 risk (NaN when the towers came from a file). */
    public static final String CLIP_RISK = "clip_risk_last100";

    /**
     * Opens the frozen {@code tower} ({@code image} or {@code text}) of the run's encoder. Its trained parameters come
     * from {@code resume} when it is not null (a generative task's own checkpoint: the tower its model was trained
     * with; {@code checkpoint} and the pre-training are then not used), else from the clip run's {@code checkpoint}
     * when it is not empty, else from a CLIP pre-training of {@code clipSteps} steps inside the task. The
     * pre-training's last-100 risk (NaN for a clip checkpoint; the stored value for a resume) goes to
     * {@code summary} as {@code clip_risk_last100}. The caller closes the tower.
     */
    public static FrozenTower open(RunContext ctx, Resume resume, String checkpoint, long clipSteps, int clipBatch,
                                   String imageField, String textField, String tower, long length,
                                   Map<String, Double> summary) throws IOException {
        if (resume != null) {
            if (!checkpoint.isEmpty()) {
                LOG.info("frozen encoders: task.checkpoint {} not used; the {} tower comes from task.resume {}",
                        checkpoint, tower, resume.file());
            }
            summary.put(CLIP_RISK, resume.checkpoint().figures().getOrDefault(CLIP_RISK, Double.NaN));
            return new FrozenTower(ctx.encoder(), tower, length, resume.checkpoint().frozen(), resume.source(),
                    ctx.executor());
        }
        Pretrained pre = checkpoint.isEmpty()
                ? train(ctx, clipSteps, clipBatch, imageField, textField)
                : fromCheckpoint(Path.of(checkpoint));
        summary.put(CLIP_RISK, pre.clipRiskLast100());
        return new FrozenTower(ctx.encoder(), tower, length, pre.parameters(),
                checkpoint.isEmpty() ? "the in-task CLIP pre-training" : "clip checkpoint " + checkpoint,
                ctx.executor());
    }

    /** The parameters stored in a clip checkpoint ({@code param/<name>} entries). */
    public static Pretrained fromCheckpoint(Path file) throws IOException {
        ClipCheckpoint c = ClipCheckpoint.read(file);
        if (GenerativeCheckpoint.isGenerative(c)) {
            throw new IOException(file + " is a checkpoint of a generative task, not of a clip run: give it as "
                    + "task.resume (task.checkpoint takes a clip run's checkpoint.bin with the trained towers)");
        }
        Map<String, HostTensor> params = new LinkedHashMap<>();
        c.tensors().forEach((k, v) -> {
            if (k.startsWith("param/")) {
                params.put(k.substring("param/".length()), v);
            }
        });
        if (params.isEmpty()) {
            throw new IOException(file + " holds no parameters");
        }
        LOG.info("frozen encoders: {} parameters from {} (step {})", params.size(), file, c.step());
        return new Pretrained(params, Double.NaN);
    }

    /**
     * Trains the run's encoder as a CLIP pair for {@code steps} steps of {@code batch} K=4 candidate groups.
     *
     * @param imageField batch field of the image tokens
     * @param textField  batch field of the text tokens
     */
    public static Pretrained train(RunContext ctx, long steps, int batch, String imageField, String textField) {
        Dataset data = ctx.dataset();
        Encoder encoder = ctx.encoder();
        Optimizer optimizer = ctx.optimizer();
        SplittableRandom rng = new SplittableRandom(ctx.seed() ^ 0x5DEECE66DL);
        Batch probe = data.sample(1, rng.split());
        HostTensor im0 = probe.get(imageField);
        HostTensor tx0 = probe.get(textField);
        LossWindow window = new LossWindow(100);
        try (ClipModel model = new ClipModel(encoder, ctx.seed(), ContrastiveObjective.K_CANDIDATE, im0.dtype(),
                im0.shape().dim(1), tx0.shape().dim(1), batch, CANDIDATES, ctx.executor(), ctx.differentiator());
             Progress progress = ctx.progress("clip pre-training", steps)) {
            for (long step = 0; step < steps; step++) {
                Batch b = data.sample(batch * CANDIDATES, rng.split());
                double loss = model.lossAndGradients(b.get(imageField), b.get(textField));
                if (!Double.isFinite(loss)) {
                    throw new TrainingDivergedException(step, Map.of("clip_loss", loss), null);
                }
                optimizer.step(model.store().tensors(), model.gradients(), new StepInfo(step, steps, loss));
                window.add(loss);
                progress.update(step + 1, String.format(Locale.ROOT, "clip loss=%.4f", loss));
            }
            Map<String, HostTensor> params = new LinkedHashMap<>();
            model.store().asMap().forEach((k, v) -> params.put(k, v.copy()));
            LOG.info(String.format(Locale.ROOT, "frozen encoders: CLIP pre-training %d steps, last-100 risk %.4f",
                    steps, window.mean()));
            return new Pretrained(params, window.mean());
        }
    }
}
