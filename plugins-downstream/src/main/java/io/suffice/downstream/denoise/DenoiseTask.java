package io.suffice.downstream.denoise;

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

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Conditional denoising on frozen contrastive features (contrastive-jghm.md sec. 4): trains a
 * {@link ConditionalDenoiser} on fresh batches (noisy image leaves, clean image leaves, text) with the run's optimizer,
 * the text entering as the frozen CLIP text embedding ({@code frozen}; towers from a clip checkpoint or a short CLIP
 * pre-training inside the task), as a text encoder trained end-to-end ({@code joint}), or not at all ({@code none}).
 * Reports the mean of the last 100 training losses and a fresh-sample evaluation beside the Bayes denoiser (BP
 * posterior mean {@code E[x_im | z, x_tx]}) and the no-conditioning Bayes denoiser {@code E[x_im | z]}, on the same
 * samples.
 * <p>
 * Writes {@code checkpoint.bin} ({@link io.suffice.downstream.generative.GenerativeCheckpoint}: model, frozen tower,
 * optimizer state, loss window) after the last step and every {@code checkpoint-every} steps; {@code resume} continues
 * from one, and at {@code steps} only evaluates, on this run's dataset (the shift-in-p evaluation).
 */
public final class DenoiseTask implements DownstreamTask {
    private static final Logger LOG = LoggerFactory.getLogger(DenoiseTask.class);
    private static final int EVAL_CHUNK = 500;

    private final DenoiseSettings s;

    public DenoiseTask(DenoiseSettings settings) {
        this.s = settings;
    }

    @Override
    public TaskResult run(RunContext ctx) throws Exception {
        Dataset data = ctx.dataset();
        Optional<BayesOracle> oracle = data.oracle();
        Batch probe = data.sample(1, new SplittableRandom(ctx.seed()));
        int states = oracle.map(BayesOracle::states).orElse(10);
        double sigma = oracle.map(BayesOracle::noiseScale).orElse(1.0);
        int leaves = (int) probe.get(s.imageField()).shape().dim(1);
        long textLength = probe.get(s.textField()).shape().dim(1);
        Map<String, Double> summary = new LinkedHashMap<>();
        Encoder encoder = s.conditioning() == Conditioning.NONE ? null : ctx.encoder();
        Resume resume = Resume.of(s.resume(), s.steps());
        try (FrozenTower tower = s.conditioning() != Conditioning.FROZEN ? null
                : FrozenEncoders.open(ctx, resume, s.checkpoint(), s.clipSteps(), s.clipBatch(), s.imageField(),
                        s.textField(), "text", textLength, summary)) {
            ConditionalDenoiser model = new ConditionalDenoiser(states, leaves, sigma, s.width(), s.depth(),
                    s.heads(), s.conditioning(), DType.FLOAT32);
            Graph g = new Graph(ctx.seed());
            ConditionalDenoiser.Built built = model.build(g, tower == null ? 0 : tower.embedding(), encoder,
                    textLength);
            ParameterStore store = ParameterStore.of(g);
            summary.put("parameters", (double) store.count());
            LOG.info("denoise: conditioning {}, width {}, depth {}, {} parameters, {} steps of {}",
                    s.conditioning().label(), s.width(), s.depth(), store.count(), s.steps(), s.batch());
            List<Value> predictInputs = new ArrayList<>(g.parameters());
            predictInputs.addAll(built.predictionInputs());
            try (TrainStep step = new TrainStep(g, store, built.inputs(), built.loss(), Map.of(), ctx.executor(),
                    ctx.differentiator());
                 Executable predict = ctx.executor().compile(g, predictInputs,
                         Map.of("prediction", built.prediction()))) {
                TrainingLoop.Outcome out = new TrainingLoop("denoise", s.steps(), s.logEvery(), List.of())
                        .run(ctx, step, store, ctx.optimizer(), new SplittableRandom(ctx.seed() + 1),
                                r -> feeds(data.sample(s.batch(), r), built, tower, true), resume,
                                GenerativeCheckpoint.saving(ctx, s.checkpointEvery(), tower, summary));
                summary.put("train_mse_last100", out.lossLast100());
                if (out.stepsTaken() > 0) {
                    summary.put("steps_per_s", out.stepsPerSecond());
                }
                evaluate(data, oracle.orElse(null), built, tower, predict, store,
                        new SplittableRandom(ctx.seed() + 2), summary);
            }
        }
        LOG.info("denoise: {}", format(summary));
        return new TaskResult(summary);
    }

    private Map<String, HostTensor> feeds(Batch b, ConditionalDenoiser.Built built, FrozenTower tower,
                                          boolean withTarget) {
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(ConditionalDenoiser.NOISY, Tensors.asFloat(b.get(s.noisyField()), DType.FLOAT32));
        if (withTarget) {
            f.put(ConditionalDenoiser.TARGET, Tensors.asFloat(b.get(s.imageField()), DType.FLOAT32));
        }
        HostTensor text = Tensors.asLongs(b.get(s.textField()));
        built.condition().feed(f, tower == null ? null : tower.embed(text), text);
        return f;
    }

    /** Squared error summed over leaves of the model, the Bayes denoiser and the no-text Bayes denoiser. */
    private void evaluate(Dataset data, BayesOracle oracle, ConditionalDenoiser.Built built, FrozenTower tower,
                          Executable predict, ParameterStore store, SplittableRandom rng,
                          Map<String, Double> summary) {
        double model = 0;
        double bayes = 0;
        double noCond = 0;
        int n = 0;
        for (int done = 0; done < s.evalSamples(); done += EVAL_CHUNK) {
            int m = Math.min(EVAL_CHUNK, s.evalSamples() - done);
            Batch b = data.sample(m, rng.split());
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(feeds(b, built, tower, false));
            double[][] pred = Tensors.rows(predict.run(f).get("prediction"));
            double[][] x = Tensors.rows(b.get(s.imageField()));
            model += squaredError(pred, x);
            if (oracle != null) {
                HostTensor z = b.get(s.noisyField());
                bayes += squaredError(oracle.denoiserMean(z, Tensors.asLongs(b.get(s.textField()))), x);
                noCond += squaredError(oracle.denoiserMean(z, null), x);
            }
            n += m;
        }
        summary.put("eval_mse", model / n);
        if (oracle != null) {
            summary.put("eval_bayes_mse", bayes / n);
            summary.put("eval_bayes_mse_no_cond", noCond / n);
            summary.put("eval_excess_mse", (model - bayes) / n);
            // 1: as good as Bayes; 0: no better than ignoring the text
            summary.put("eval_conditioning_gain", (noCond - model) / (noCond - bayes));
        }
        summary.put("eval_samples", (double) n);
    }

    /** Sum over rows and leaves of {@code (a - b)^2}. */
    static double squaredError(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                double d = a[i][j] - b[i][j];
                s += d * d;
            }
        }
        return s;
    }

    static String format(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append('=')
                .append(String.format(Locale.ROOT, "%.4f", v)));
        return b.toString();
    }
}
