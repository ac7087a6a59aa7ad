package io.suffice.downstream.diffusion;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.downstream.generative.RootMap;
import io.suffice.api.task.DownstreamTask;
import io.suffice.api.task.RunContext;
import io.suffice.api.task.TaskResult;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.denoise.ConditionalDenoiser;
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
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * A text-conditional multi-level diffusion model over the image leaves (beyond the authors, contrastive-jghm.md
 * sec. 4): the {@link ConditionalDenoiser} with the noise level as an input, trained on {@code z = x + sigma * eps}
 * with sigma drawn log-uniformly from the {@link NoiseSchedule} (squared error summed over the leaves, unweighted),
 * conditioned on the frozen CLIP text embedding (or a jointly trained text encoder, or nothing). Then:
 * <ul>
 * <li>at the dataset's own noise level, its MSE beside the Bayes and no-text Bayes denoisers (as the {@code denoise}
 *     task, on the dataset's {@code image_noisy});</li>
 * <li>{@code generate} images, one per fresh text, with the {@link DiffusionSampler}, judged by BP: how often the
 *     generated image's root posterior MAP equals the text's, and the mean optimal score (pointwise mutual
 *     information) {@code log(S <pi_im(x_gen), pi_tx(x_tx)>)}, each beside the real paired images' value. A few
 *     samples go to {@code samples.txt}.</li>
 * </ul>
 * <p>
 * Writes {@code checkpoint.bin} ({@link io.suffice.downstream.generative.GenerativeCheckpoint}: model, frozen tower,
 * optimizer state, loss window) after the last step and every {@code checkpoint-every} steps; {@code resume} continues
 * from one, and at {@code steps} only evaluates, on this run's dataset (the shift-in-p evaluation).
 */
public final class DiffusionTask implements DownstreamTask {
    private static final Logger LOG = LoggerFactory.getLogger(DiffusionTask.class);
    private static final int CHUNK = 500;

    private final DiffusionSettings s;

    public DiffusionTask(DiffusionSettings settings) {
        this.s = settings;
    }

    @Override
    public TaskResult run(RunContext ctx) throws Exception {
        Dataset data = ctx.dataset();
        BayesOracle oracle = data.oracle().orElse(null);
        Batch probe = data.sample(1, new SplittableRandom(ctx.seed()));
        int states = oracle == null ? 10 : oracle.states();
        int leaves = (int) probe.get(s.imageField()).shape().dim(1);
        long textLength = probe.get(s.textField()).shape().dim(1);
        Map<String, Double> summary = new LinkedHashMap<>();
        Encoder encoder = s.conditioning() == Conditioning.NONE ? null : ctx.encoder();
        Resume resume = Resume.of(s.resume(), s.steps());
        try (FrozenTower tower = s.conditioning() != Conditioning.FROZEN ? null
                : FrozenEncoders.open(ctx, resume, s.checkpoint(), s.clipSteps(), s.clipBatch(), s.imageField(),
                        s.textField(), "text", textLength, summary)) {
            ConditionalDenoiser model = new ConditionalDenoiser(states, leaves, 1.0, s.width(), s.depth(), s.heads(),
                    s.conditioning(), DType.FLOAT32, true);
            Graph g = new Graph(ctx.seed());
            ConditionalDenoiser.Built built = model.build(g, tower == null ? 0 : tower.embedding(), encoder,
                    textLength);
            ParameterStore store = ParameterStore.of(g);
            summary.put("parameters", (double) store.count());
            LOG.info("diffusion: conditioning {}, width {}, depth {}, {} parameters, sigma {} .. {} ({} levels)",
                    s.conditioning().label(), s.width(), s.depth(), store.count(), s.schedule().max(),
                    s.schedule().min(), s.schedule().levels());
            List<Value> predictInputs = new ArrayList<>(g.parameters());
            predictInputs.addAll(built.predictionInputs());
            try (TrainStep step = new TrainStep(g, store, built.inputs(), built.loss(), Map.of(), ctx.executor(),
                    ctx.differentiator());
                 Executable predict = ctx.executor().compile(g, predictInputs,
                         Map.of("prediction", built.prediction()))) {
                TrainingLoop.Outcome out = new TrainingLoop("diffusion", s.steps(), s.logEvery(), List.of())
                        .run(ctx, step, store, ctx.optimizer(), new SplittableRandom(ctx.seed() + 1),
                                r -> trainingFeeds(data, r, tower, built), resume,
                                GenerativeCheckpoint.saving(ctx, s.checkpointEvery(), tower, summary));
                summary.put("train_loss_last100", out.lossLast100());
                if (out.stepsTaken() > 0) {
                    summary.put("steps_per_s", out.stepsPerSecond());
                }
                Denoising denoising = new Denoising(predict, store, built, tower);
                if (oracle != null) {
                    evaluateDenoiser(data, oracle, denoising, new SplittableRandom(ctx.seed() + 2), summary);
                }
                generate(ctx, data, oracle, denoising, states, leaves, new SplittableRandom(ctx.seed() + 3),
                        summary);
            }
        }
        LOG.info("diffusion: {}", summary.entrySet().stream()
                .map(e -> e.getKey() + "=" + String.format(Locale.ROOT, "%.4f", e.getValue()))
                .collect(Collectors.joining(", ")));
        return new TaskResult(summary);
    }

    /** A fresh batch with one log-uniform sigma per example and {@code z = x + sigma * eps}. */
    private Map<String, HostTensor> trainingFeeds(Dataset data, SplittableRandom rng, FrozenTower tower,
                                                  ConditionalDenoiser.Built built) {
        Batch b = data.sample(s.batch(), rng.split());
        double[] x = b.get(s.imageField()).toDoubleArray();
        int n = b.size();
        int leaves = x.length / n;
        float[] z = new float[x.length];
        float[] sig = new float[n];
        for (int i = 0; i < n; i++) {
            sig[i] = (float) s.schedule().draw(rng);
            for (int j = 0; j < leaves; j++) {
                z[i * leaves + j] = (float) (x[i * leaves + j] + sig[i] * rng.nextGaussian());
            }
        }
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(ConditionalDenoiser.NOISY, HostTensor.of(z, n, leaves));
        f.put(ConditionalDenoiser.SIGMA, HostTensor.of(sig, n));
        f.put(ConditionalDenoiser.TARGET, Tensors.asFloat(b.get(s.imageField()), DType.FLOAT32));
        HostTensor text = Tensors.asLongs(b.get(s.textField()));
        built.condition().feed(f, tower == null ? null : tower.embed(text), text);
        return f;
    }

    /** The trained denoiser as a function of (z, sigma) for fixed conditioning rows. */
    private static final class Denoising {
        private final Executable predict;
        private final ParameterStore store;
        private final ConditionalDenoiser.Built built;
        private final FrozenTower tower;

        Denoising(Executable predict, ParameterStore store, ConditionalDenoiser.Built built, FrozenTower tower) {
            this.predict = predict;
            this.store = store;
            this.built = built;
            this.tower = tower;
        }

        /** Conditioning feeds of these texts. */
        Map<String, HostTensor> condition(HostTensor text) {
            Map<String, HostTensor> f = new LinkedHashMap<>();
            HostTensor t = Tensors.asLongs(text);
            built.condition().feed(f, tower == null ? null : tower.embed(t), t);
            return f;
        }

        double[][] mean(HostTensor z, double[] sigma, Map<String, HostTensor> condition) {
            int n = (int) z.shape().dim(0);
            float[] sg = new float[n];
            for (int i = 0; i < n; i++) {
                sg[i] = (float) sigma[i];
            }
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.put(ConditionalDenoiser.NOISY, Tensors.asFloat(z, DType.FLOAT32));
            f.put(ConditionalDenoiser.SIGMA, HostTensor.of(sg, n));
            f.putAll(condition);
            return Tensors.rows(predict.run(f).get("prediction"));
        }
    }

    private void evaluateDenoiser(Dataset data, BayesOracle oracle, Denoising d, SplittableRandom rng,
                                  Map<String, Double> summary) {
        double model = 0;
        double bayes = 0;
        double noCond = 0;
        int n = 0;
        for (int done = 0; done < s.evalSamples(); done += CHUNK) {
            int m = Math.min(CHUNK, s.evalSamples() - done);
            Batch b = data.sample(m, rng.split());
            HostTensor z = b.get(s.noisyField());
            double[] sigma = new double[m];
            java.util.Arrays.fill(sigma, oracle.noiseScale());
            double[][] x = Tensors.rows(b.get(s.imageField()));
            model += squaredError(d.mean(z, sigma, d.condition(b.get(s.textField()))), x);
            bayes += squaredError(oracle.denoiserMean(z, Tensors.asLongs(b.get(s.textField()))), x);
            noCond += squaredError(oracle.denoiserMean(z, null), x);
            n += m;
        }
        summary.put("eval_mse_at_data_sigma", model / n);
        summary.put("eval_bayes_mse", bayes / n);
        summary.put("eval_bayes_mse_no_cond", noCond / n);
    }

    private void generate(RunContext ctx, Dataset data, BayesOracle oracle, Denoising d, int states, int leaves,
                          SplittableRandom rng, Map<String, Double> summary) throws java.io.IOException {
        if (s.generate() == 0) {
            return;
        }
        Batch b = data.sample(s.generate(), rng.split());
        HostTensor text = Tensors.asLongs(b.get(s.textField()));
        Map<String, HostTensor> cond = d.condition(text);
        int n = s.generate();
        DiffusionSampler sampler = new DiffusionSampler(s.schedule(), states, s.eta());
        int[][] images = sampler.sample((z, sigma) -> {
            double[] flat = new double[z.length * leaves];
            for (int i = 0; i < z.length; i++) {
                System.arraycopy(z[i], 0, flat, i * leaves, leaves);
            }
            double[] sg = new double[z.length];
            java.util.Arrays.fill(sg, sigma);
            return d.mean(HostTensor.of(flat, z.length, leaves), sg, cond);
        }, n, leaves, rng.split());
        long[] flat = new long[n * leaves];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < leaves; j++) {
                flat[i * leaves + j] = images[i][j];
            }
        }
        HostTensor generated = HostTensor.of(flat, n, leaves);
        StringBuilder out = new StringBuilder("# " + s.conditioning().label() + " diffusion samples (eta "
                + s.eta() + ", " + s.schedule().levels() + " levels)\n");
        if (oracle != null) {
            HostTensor real = Tensors.asLongs(b.get(s.imageField()));
            int[] textMap = RootMap.of(oracle.rootPosterior(Modality.TEXT, text));
            int[] genMap = RootMap.of(oracle.rootPosterior(Modality.IMAGE, generated));
            int[] realMap = RootMap.of(oracle.rootPosterior(Modality.IMAGE, real));
            summary.put("generated_root_agreement", RootMap.agreement(textMap, genMap));
            summary.put("real_root_agreement", RootMap.agreement(textMap, realMap));
            summary.put("generated_pmi", meanDiagonal(oracle.optimalScores(generated, text)));
            summary.put("real_pmi", meanDiagonal(oracle.optimalScores(real, text)));
            for (int i = 0; i < Math.min(8, n); i++) {
                out.append("text ").append(i).append(" root MAP ").append(textMap[i]).append(": generated image "
                        + "root MAP ").append(genMap[i]).append('\n').append("  ")
                        .append(java.util.Arrays.stream(images[i]).mapToObj(Integer::toString)
                                .collect(Collectors.joining(" "))).append('\n');
            }
        }
        summary.put("generated", (double) n);
        Files.writeString(ctx.directory().resolve("samples.txt"), out, StandardCharsets.UTF_8);
    }

    private static double meanDiagonal(double[][] m) {
        double s = 0;
        for (int i = 0; i < m.length; i++) {
            s += m[i][i];
        }
        return s / m.length;
    }

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
}
