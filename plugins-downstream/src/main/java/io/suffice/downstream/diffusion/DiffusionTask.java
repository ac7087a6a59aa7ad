package io.suffice.downstream.diffusion;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Graph;
import io.suffice.api.model.Encoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.Modality;
import io.suffice.downstream.contrastive.ContrastiveBayesRisk;
import io.suffice.downstream.denoise.DenoiseBayesRisk;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.denoise.ConditionalDenoiser;
import io.suffice.downstream.generative.Conditioner;
import io.suffice.downstream.generative.GenerativeTask;
import io.suffice.downstream.generative.RootMap;
import io.suffice.downstream.generative.Tensors;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Collectors;
import java.util.stream.DoubleStream;

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
 * The run follows the {@link GenerativeTask} template: the training core checkpoints it ({@code run.checkpoint-every}),
 * resumes it ({@code run.resume}; at {@code steps} only the evaluation runs, on this run's dataset) and exports the
 * noise-level-conditioned denoiser as {@code denoiser.onnx} ({@code run.export}).
 */
public final class DiffusionTask extends GenerativeTask<ConditionalDenoiser.Built> {
    private static final int CHUNK = 500;

    private final DiffusionSettings s;

    public DiffusionTask(DiffusionSettings settings) {
        super("diffusion", Modality.TEXT, settings.model(), "denoiser", Map.of("loss", "train_loss_last100"));
        this.s = settings;
    }

    @Override
    protected String details() {
        return ", sigma " + s.schedule().max() + " .. " + s.schedule().min() + " (" + s.schedule().levels()
                + " levels)";
    }

    @Override
    protected ConditionalDenoiser.Built build(Graph g, Probe probe, int embedding, Encoder jointEncoder,
                                              long conditionLength) {
        return new ConditionalDenoiser(probe.states(), probe.imageLength(), 1.0, settings.width(), settings.depth(),
                settings.heads(), settings.conditioning(), DType.FLOAT32, true)
                .build(g, embedding, jointEncoder, conditionLength);
    }

    /** A fresh batch with one log-uniform sigma per example and {@code z = x + sigma * eps}. */
    @Override
    protected Map<String, HostTensor> batch(Dataset data, SplittableRandom rng, Conditioner c) {
        Batch b = data.sample(settings.batch(), rng.split());
        double[] x = b.get(settings.imageField()).toDoubleArray();
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
        f.put(ConditionalDenoiser.TARGET, Tensors.asFloat(b.get(settings.imageField()), DType.FLOAT32));
        c.feed(f, b);
        return f;
    }

    @Override
    protected void evaluate(Trained<ConditionalDenoiser.Built> run, Map<String, Double> summary) throws Exception {
        if (run.oracle() != null) {
            evaluateDenoiser(run, summary);
        }
        generate(run, summary);
    }

    /** The trained denoiser's mean at noise levels {@code sigma} (one per row) for the conditioning feeds. */
    private static double[][] mean(Trained<ConditionalDenoiser.Built> run, HostTensor z, double[] sigma,
                                   Map<String, HostTensor> condition) {
        int n = (int) z.shape().dim(0);
        float[] sg = new float[n];
        for (int i = 0; i < n; i++) {
            sg[i] = (float) sigma[i];
        }
        Map<String, HostTensor> f = new LinkedHashMap<>(condition);
        f.put(ConditionalDenoiser.NOISY, Tensors.asFloat(z, DType.FLOAT32));
        f.put(ConditionalDenoiser.SIGMA, HostTensor.of(sg, n));
        return Tensors.rows(run.predict(f));
    }

    private void evaluateDenoiser(Trained<ConditionalDenoiser.Built> run, Map<String, Double> summary) {
        BayesOracle oracle = run.oracle();
        double[] sums = new double[3];      // model, Bayes, no-text Bayes
        int[] n = {0};
        // per-example errors of the two Bayes denoisers, for their standard errors
        DoubleStream.Builder bayes = DoubleStream.builder();
        DoubleStream.Builder bayesNoText = DoubleStream.builder();
        run.evaluationBatches(settings.evalSamples(), CHUNK, b -> {
            int m = b.size();
            HostTensor z = b.get(s.noisyField());
            double[] sigma = new double[m];
            Arrays.fill(sigma, oracle.noiseScale());
            double[][] x = Tensors.rows(b.get(settings.imageField()));
            HostTensor text = b.get(settings.textField());
            sums[0] += Tensors.squaredError(mean(run, z, sigma, run.condition().of(text)), x);
            double[][] bayesMean = oracle.denoiserMean(z, Tensors.asLongs(text));
            double[][] bayesMeanNoText = oracle.denoiserMean(z, null);
            sums[1] += Tensors.squaredError(bayesMean, x);
            sums[2] += Tensors.squaredError(bayesMeanNoText, x);
            DenoiseBayesRisk.squaredErrors(bayesMean, x, bayes);
            DenoiseBayesRisk.squaredErrors(bayesMeanNoText, x, bayesNoText);
            n[0] += m;
        });
        summary.put("eval_mse_at_data_sigma", sums[0] / n[0]);
        new Estimate(sums[1] / n[0], Estimate.standardError(bayes.build().toArray()), n[0])
                .putInto(summary, "eval_bayes_mse");
        new Estimate(sums[2] / n[0], Estimate.standardError(bayesNoText.build().toArray()), n[0])
                .putInto(summary, "eval_bayes_mse_no_cond");
    }

    private void generate(Trained<ConditionalDenoiser.Built> run, Map<String, Double> summary)
            throws java.io.IOException {
        if (s.generate() == 0) {
            return;
        }
        BayesOracle oracle = run.oracle();
        int leaves = run.probe().imageLength();
        SplittableRandom rng = run.random(GENERATION);
        Batch b = run.data().sample(s.generate(), rng.split());
        HostTensor text = Tensors.asLongs(b.get(settings.textField()));
        Map<String, HostTensor> cond = run.condition().of(text);
        int n = s.generate();
        DiffusionSampler sampler = new DiffusionSampler(s.schedule(), run.probe().states(), s.eta());
        int[][] images = sampler.sample((z, sigma) -> {
            double[] flat = new double[z.length * leaves];
            for (int i = 0; i < z.length; i++) {
                System.arraycopy(z[i], 0, flat, i * leaves, leaves);
            }
            double[] sg = new double[z.length];
            Arrays.fill(sg, sigma);
            return mean(run, HostTensor.of(flat, z.length, leaves), sg, cond);
        }, n, leaves, rng.split());
        long[] flat = new long[n * leaves];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < leaves; j++) {
                flat[i * leaves + j] = images[i][j];
            }
        }
        HostTensor generated = HostTensor.of(flat, n, leaves);
        StringBuilder out = new StringBuilder("# " + settings.conditioning().label() + " diffusion samples (eta "
                + s.eta() + ", " + s.schedule().levels() + " levels)\n");
        if (oracle != null) {
            HostTensor real = Tensors.asLongs(b.get(settings.imageField()));
            int[] textMap = RootMap.of(oracle.rootPosterior(Modality.TEXT, text));
            int[] genMap = RootMap.of(oracle.rootPosterior(Modality.IMAGE, generated));
            int[] realMap = RootMap.of(oracle.rootPosterior(Modality.IMAGE, real));
            summary.put("generated_root_agreement", RootMap.agreement(textMap, genMap));
            summary.put("real_root_agreement", RootMap.agreement(textMap, realMap));
            diagonal(ContrastiveBayesRisk.optimalScores(oracle, generated, text)).putInto(summary, "generated_pmi");
            diagonal(ContrastiveBayesRisk.optimalScores(oracle, real, text)).putInto(summary, "real_pmi");
            for (int i = 0; i < Math.min(8, n); i++) {
                out.append("text ").append(i).append(" root MAP ").append(textMap[i]).append(": generated image "
                        + "root MAP ").append(genMap[i]).append('\n').append("  ")
                        .append(Arrays.stream(images[i]).mapToObj(Integer::toString)
                                .collect(Collectors.joining(" "))).append('\n');
            }
        }
        summary.put("generated", (double) n);
        Files.writeString(run.ctx().directory().resolve("samples.txt"), out, StandardCharsets.UTF_8);
    }

    /** The mean of the diagonal (each text with its own image) and its standard error. */
    private static Estimate diagonal(double[][] m) {
        double[] d = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            d[i] = m[i][i];
        }
        return Estimate.of(d);
    }
}
