package io.suffice.downstream.denoise;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Graph;
import io.suffice.api.model.Encoder;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.generative.Conditioner;
import io.suffice.downstream.generative.GenerativeTask;
import io.suffice.downstream.generative.Tensors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.DoubleStream;

/**
 * Conditional denoising on frozen contrastive features (contrastive-jghm.md sec. 4): trains a
 * {@link ConditionalDenoiser} on fresh batches (noisy image leaves, clean image leaves, text) with the run's optimizer,
 * the text entering as the frozen CLIP text embedding ({@code frozen}; towers from a clip run or a short CLIP
 * pre-training inside the task), as a text encoder trained end-to-end ({@code joint}), or not at all ({@code none}).
 * Reports the mean of the last 100 training losses ({@code train_mse_last100}) and a fresh-sample evaluation beside
 * the Bayes denoiser (BP posterior mean {@code E[x_im | z, x_tx]}) and the no-conditioning Bayes denoiser
 * {@code E[x_im | z]}, on the same samples ({@link DenoiseBayesRisk}), each with its Monte Carlo standard error
 * ({@code eval_bayes_mse_se}, {@code eval_bayes_mse_no_cond_se}).
 * <p>
 * The run follows the {@link GenerativeTask} template: the training core checkpoints it ({@code run.checkpoint-every}),
 * resumes it ({@code run.resume}; at {@code steps} only the evaluation runs, on this run's dataset: the shift-in-p
 * evaluation) and exports the prediction function as {@code denoiser.onnx} ({@code run.export}).
 */
public final class DenoiseTask extends GenerativeTask<ConditionalDenoiser.Built> {
    private static final int EVAL_CHUNK = 500;

    private final DenoiseSettings s;

    public DenoiseTask(DenoiseSettings settings) {
        super("denoise", Modality.TEXT, settings.model(), "denoiser", Map.of("loss", "train_mse_last100"));
        this.s = settings;
    }

    @Override
    protected ConditionalDenoiser.Built build(Graph g, Probe probe, int embedding, Encoder jointEncoder,
                                              long conditionLength) {
        return new ConditionalDenoiser(probe.states(), probe.imageLength(), probe.sigma(), settings.width(),
                settings.depth(), settings.heads(), settings.conditioning(), DType.FLOAT32)
                .build(g, embedding, jointEncoder, conditionLength);
    }

    @Override
    protected Map<String, HostTensor> batch(Dataset data, SplittableRandom rng, Conditioner c) {
        Batch b = data.sample(settings.batch(), rng);
        Map<String, HostTensor> f = features(b, c);
        f.put(ConditionalDenoiser.TARGET, Tensors.asFloat(b.get(settings.imageField()), DType.FLOAT32));
        return f;
    }

    /** The prediction's inputs of batch {@code b}: the noisy leaves and the conditioning. */
    private Map<String, HostTensor> features(Batch b, Conditioner c) {
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(ConditionalDenoiser.NOISY, Tensors.asFloat(b.get(s.noisyField()), DType.FLOAT32));
        c.feed(f, b);
        return f;
    }

    /** Squared error summed over leaves of the model, the Bayes denoiser and the no-text Bayes denoiser. */
    @Override
    protected void evaluate(Trained<ConditionalDenoiser.Built> run, Map<String, Double> summary) {
        BayesOracle oracle = run.oracle();
        double[] sums = new double[3];      // model, Bayes, no-text Bayes
        int[] n = {0};
        // per-example errors of the two Bayes denoisers, for their standard errors
        DoubleStream.Builder bayes = DoubleStream.builder();
        DoubleStream.Builder bayesNoText = DoubleStream.builder();
        run.evaluationBatches(settings.evalSamples(), EVAL_CHUNK, b -> {
            double[][] x = Tensors.rows(b.get(settings.imageField()));
            sums[0] += Tensors.squaredError(Tensors.rows(run.predict(features(b, run.condition()))), x);
            if (oracle != null) {
                HostTensor z = b.get(s.noisyField());
                double[][] mean = oracle.denoiserMean(z, Tensors.asLongs(b.get(settings.textField())));
                double[][] meanNoText = oracle.denoiserMean(z, null);
                sums[1] += Tensors.squaredError(mean, x);
                sums[2] += Tensors.squaredError(meanNoText, x);
                DenoiseBayesRisk.squaredErrors(mean, x, bayes);
                DenoiseBayesRisk.squaredErrors(meanNoText, x, bayesNoText);
            }
            n[0] += b.size();
        });
        summary.put("eval_mse", sums[0] / n[0]);
        if (oracle != null) {
            new Estimate(sums[1] / n[0], Estimate.standardError(bayes.build().toArray()), n[0])
                    .putInto(summary, "eval_bayes_mse");
            new Estimate(sums[2] / n[0], Estimate.standardError(bayesNoText.build().toArray()), n[0])
                    .putInto(summary, "eval_bayes_mse_no_cond");
            summary.put("eval_excess_mse", (sums[0] - sums[1]) / n[0]);
            // 1: as good as Bayes; 0: no better than ignoring the text
            summary.put("eval_conditioning_gain", (sums[2] - sums[0]) / (sums[2] - sums[1]));
        }
        summary.put("eval_samples", (double) n[0]);
    }
}
