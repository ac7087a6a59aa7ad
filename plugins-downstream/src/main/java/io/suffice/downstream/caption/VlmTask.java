package io.suffice.downstream.caption;

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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.DoubleStream;

/**
 * Vision-language modelling on frozen contrastive features (contrastive-jghm.md sec. 4): trains a
 * {@link CaptionModel} on fresh (image, text) pairs with the run's optimizer, the image entering as the frozen CLIP
 * image embedding ({@code frozen}; towers from a clip run or a short CLIP pre-training inside the task), as an image
 * encoder trained end-to-end ({@code joint}), or not at all ({@code none}). Reports the mean of the last 100 training
 * next-token cross-entropies (80 positions) and a fresh-sample evaluation beside the BP next-token Bayes value and its
 * text-only value, on the same samples. Then writes {@code captions.txt}: for a few fresh images the true text, a
 * greedy and a sampled caption (token sequences), and, over {@code caption-eval} images, how often a sampled
 * caption's BP root MAP agrees with the image's (the true texts' rate beside it).
 * <p>
 * The run follows the {@link GenerativeTask} template: the training core checkpoints it ({@code run.checkpoint-every}),
 * resumes it ({@code run.resume}; at {@code steps} only the evaluation runs, on this run's dataset: the shift-in-p
 * evaluation) and exports the logits function as {@code vlm.onnx} ({@code run.export}).
 */
public final class VlmTask extends GenerativeTask<CaptionModel.Built> {
    private static final Logger LOG = LoggerFactory.getLogger(VlmTask.class);
    private static final int EVAL_CHUNK = 500;

    private final VlmSettings s;

    public VlmTask(VlmSettings settings) {
        super("vlm", Modality.IMAGE, settings.model(), "vlm", Map.of(CaptionModel.Built.NEXT, "train_ce_last100",
                CaptionModel.Built.FIRST, "train_first_token_ce_last100"));
        this.s = settings;
    }

    @Override
    protected CaptionModel.Built build(Graph g, Probe probe, int embedding, Encoder jointEncoder,
                                       long conditionLength) {
        return new CaptionModel(probe.states(), probe.textLength(), settings.width(), settings.depth(),
                settings.heads(), settings.conditioning(), DType.FLOAT32)
                .build(g, embedding, jointEncoder, conditionLength);
    }

    @Override
    protected Map<String, HostTensor> batch(Dataset data, SplittableRandom rng, Conditioner c) {
        return feeds(data.sample(settings.batch(), rng), c);
    }

    private Map<String, HostTensor> feeds(Batch b, Conditioner c) {
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(CaptionModel.TEXT, Tensors.asLongs(b.get(settings.textField())));
        c.feed(f, b);
        return f;
    }

    @Override
    protected void evaluate(Trained<CaptionModel.Built> run, Map<String, Double> summary) throws Exception {
        crossEntropies(run, summary);
        captions(run, summary);
    }

    /** Next-token cross-entropies (positions 1..L-1) of the model, Bayes and text-only Bayes on fresh pairs. */
    private void crossEntropies(Trained<CaptionModel.Built> run, Map<String, Double> summary) {
        BayesOracle oracle = run.oracle();
        int states = run.probe().states();
        int length = run.probe().textLength();
        // model (positions 1..L-1), model first token, Bayes, Bayes first, no-image Bayes, no-image Bayes first
        double[] sums = new double[6];
        int[] n = {0};
        // per-example mean CE over positions 1..L-1 of the two Bayes predictors, for their standard errors
        DoubleStream.Builder bayes = DoubleStream.builder();
        DoubleStream.Builder bayesNoImage = DoubleStream.builder();
        DoubleStream.Builder bayesFirst = DoubleStream.builder();
        DoubleStream.Builder bayesFirstNoImage = DoubleStream.builder();
        run.evaluationBatches(settings.evalSamples(), EVAL_CHUNK, b -> {
            int m = b.size();
            double[] lg = run.predict(feeds(b, run.condition())).toDoubleArray();
            HostTensor text = Tensors.asLongs(b.get(settings.textField()));
            long[] x = new long[text.size()];
            text.longs().get(0, x);
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < length; j++) {
                    double nll = logSumExp(lg, (i * length + j) * states, states)
                            - lg[(i * length + j) * states + (int) x[i * length + j]];
                    sums[j == 0 ? 1 : 0] += nll;
                }
            }
            if (oracle != null) {
                double[][][] pb = oracle.nextTokenPosterior(text, Tensors.asLongs(b.get(settings.imageField())));
                double[][][] p0 = oracle.nextTokenPosterior(text, null);
                for (int i = 0; i < m; i++) {
                    double first = -Math.log(pb[i][0][(int) x[i * length]]);
                    double firstNoImage = -Math.log(p0[i][0][(int) x[i * length]]);
                    sums[3] += first;
                    sums[5] += firstNoImage;
                    bayesFirst.add(first);
                    bayesFirstNoImage.add(firstNoImage);
                    double ce = 0;
                    double ceNoImage = 0;
                    for (int j = 1; j < length; j++) {
                        double nll = -Math.log(pb[i][j][(int) x[i * length + j]]);
                        double nllNoImage = -Math.log(p0[i][j][(int) x[i * length + j]]);
                        sums[2] += nll;
                        sums[4] += nllNoImage;
                        ce += nll;
                        ceNoImage += nllNoImage;
                    }
                    bayes.add(ce / (length - 1));
                    bayesNoImage.add(ceNoImage / (length - 1));
                }
            }
            n[0] += m;
        });
        double positions = (double) n[0] * (length - 1);
        summary.put("eval_ce", sums[0] / positions);
        summary.put("eval_first_token_ce", sums[1] / n[0]);
        if (oracle != null) {
            new Estimate(sums[2] / positions, Estimate.standardError(bayes.build().toArray()), n[0])
                    .putInto(summary, "eval_bayes_ce");
            new Estimate(sums[4] / positions, Estimate.standardError(bayesNoImage.build().toArray()), n[0])
                    .putInto(summary, "eval_bayes_ce_no_cond");
            summary.put("eval_excess_ce", (sums[0] - sums[2]) / positions);
            // 1: as good as Bayes; 0: no better than ignoring the image
            summary.put("eval_conditioning_gain", (sums[4] - sums[0]) / (sums[4] - sums[2]));
            new Estimate(sums[3] / n[0], Estimate.standardError(bayesFirst.build().toArray()), n[0])
                    .putInto(summary, "eval_bayes_first_token_ce");
            new Estimate(sums[5] / n[0], Estimate.standardError(bayesFirstNoImage.build().toArray()), n[0])
                    .putInto(summary, "eval_bayes_first_token_ce_no_cond");
        }
        summary.put("eval_samples", (double) n[0]);
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
    private void captions(Trained<CaptionModel.Built> run, Map<String, Double> summary) throws java.io.IOException {
        int n = Math.max(s.captions(), s.captionEval());
        if (n == 0) {
            return;
        }
        SplittableRandom rng = run.random(GENERATION);
        Batch b = run.data().sample(n, rng.split());
        Map<String, HostTensor> cond = new LinkedHashMap<>();
        run.condition().feed(cond, b);
        CaptionGenerator gen = new CaptionGenerator(run.prediction(), run.store().asMap(), run.probe().states(),
                run.probe().textLength());
        int[][] greedy = gen.generate(cond, n, 0, rng.split());
        int[][] sampled = gen.generate(cond, n, s.temperature(), rng.split());
        String report = CaptionReport.judge(run.oracle(), Tensors.asLongs(b.get(settings.imageField())),
                Tensors.asLongs(b.get(settings.textField())), greedy, sampled, s.captions(), summary);
        Files.writeString(run.ctx().directory().resolve("captions.txt"),
                "# " + settings.conditioning().label() + " VLM captions\n" + report, StandardCharsets.UTF_8);
        LOG.info("vlm captions (also in captions.txt):\n{}", report);
    }
}
