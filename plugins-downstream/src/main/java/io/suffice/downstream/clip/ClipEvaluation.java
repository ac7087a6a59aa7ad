package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.Tokens;
import io.suffice.downstream.contrastive.ContrastiveBayesRisk;
import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.api.io.AtomicFiles;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Estimate;
import io.suffice.api.oracle.Modality;
import io.suffice.api.task.Figures;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.probe.PromptCountFit;
import io.suffice.downstream.probe.SoftmaxProbe;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Evaluations of trained towers on fresh samples, each beside the Bayes answer on the same samples (contrastive-jghm.md
 * sec. 3-4):
 * <ul>
 *   <li>CLIP risk: the symmetric K-candidate risk of the trained score and of the optimal score s*;</li>
 *   <li>zero-shot classification of the first text leaf with M prompts per class (logit
 *   {@code log((1/M) sum_j exp s(x_im, prompt_cj))}), cross-entropy and accuracy per M, the least-squares fit
 *   {@code A/M + B} (on the counts M >= 16), beside the Bayes posterior {@code pi_im^T prod_l T_tx[l][0]} (written to {@code zero_shot.csv});</li>
 *   <li>sufficiency proxy: a softmax probe on the frozen image embedding predicting the root, its test cross-entropy
 *   minus the BP root cross-entropy.</li>
 * </ul>
 * The zero-shot curve, its fit and the Bayes value are drawn as {@code zero-shot-ce.png}. Without an oracle the Bayes
 * columns are NaN (and the probe needs a root field).
 */
final class ClipEvaluation {
    private static final Logger LOG = LoggerFactory.getLogger(ClipEvaluation.class);

    /**
     * Smallest prompt count used by the A/M + B fit (when two or more counts reach it). Below about 16 prompts the
     * curve is flatter than 1/M (on the JGHM runs a fit from M = 4 misses M = 250 by 0.03-0.08 nats, one from M = 16
     * stays within 0.008 of every point), so the asymptotic law is fitted where it holds.
     */
    static final int FIT_MIN_PROMPTS = 16;
    /**
     * Summary key: standard error of the model's zero-shot cross-entropy minus Bayes', paired per image, at the
     * largest prompt count (the Monte Carlo error of {@code zsc_fit_b_excess}'s evaluation sample).
     */
    static final String ZSC_EXCESS_SE = "zsc_excess_se";

    private final ClipSettings s;
    private final Dataset data;
    private final BayesOracle oracle;
    private final ClipModel model;
    private final Path directory;
    private final Figures figures;

    ClipEvaluation(ClipSettings s, Dataset data, BayesOracle oracle, ClipModel model, Path directory,
                   Figures figures) {
        this.s = s;
        this.data = data;
        this.oracle = oracle;
        this.model = model;
        this.directory = directory;
        this.figures = figures;
    }

    Map<String, Double> run(SplittableRandom rng) throws IOException {
        Map<String, Double> out = new LinkedHashMap<>();
        out.putAll(clipRisk(rng.split()));
        if (s.zeroShotImages() > 0) {
            out.putAll(zeroShot(rng.split()));
        }
        if (s.probeTrain() > 0) {
            out.putAll(probe(rng.split()));
        }
        return out;
    }

    /** Model and Bayes K-candidate risk on the same fresh groups. */
    Map<String, Double> clipRisk(SplittableRandom rng) {
        int k = s.candidates();
        int groups = s.evalGroups();
        Batch b = data.sample(groups * k, rng);
        HostTensor im = b.get(s.imageField());
        HostTensor tx = b.get(s.textField());
        double[][] fi = model.embedImages(im);
        double[][] ft = model.embedTexts(tx);
        double sum = 0;
        double[][] sc = new double[k][k];
        for (int g = 0; g < groups; g++) {
            for (int a = 0; a < k; a++) {
                for (int c = 0; c < k; c++) {
                    sc[a][c] = (a == 0 || c == 0) ? model.score(fi[g * k + a], ft[g * k + c]) : 0;
                }
            }
            sum += ContrastiveObjective.groupLoss(sc);
        }
        Map<String, Double> out = new LinkedHashMap<>();
        double risk = sum / groups;
        out.put("eval_clip_risk", risk);
        double bayes = Double.NaN;
        double bayesSe = Double.NaN;
        if (oracle != null) {
            long ti = im.shape().dim(1);
            long tt = tx.shape().dim(1);
            Estimate e = Estimate.of(ContrastiveBayesRisk.groupLosses(oracle, Tokens.asLongs(im, groups, k, ti),
                    Tokens.asLongs(tx, groups, k, tt)));
            bayes = e.mean();
            bayesSe = e.se();
        }
        out.put("eval_bayes_clip_risk", bayes);
        out.put("eval_bayes_clip_risk" + Estimate.SE_SUFFIX, bayesSe);
        out.put("eval_excess_clip_risk", risk - bayes);
        LOG.info(String.format(Locale.ROOT, "clip: eval CLIP risk %.4f, Bayes %.4f on the same %d groups (K=%d)",
                risk, bayes, groups, k));
        return out;
    }

    /** Zero-shot classification of the first text leaf as a function of the prompt count M. */
    Map<String, Double> zeroShot(SplittableRandom rng) throws IOException {
        int classes = oracle != null ? oracle.states() : 0;
        long maxM = s.prompts().stream().mapToLong(Long::longValue).max().orElse(1);
        int pool = (int) (2 * maxM);
        // prompt pool: text samples bucketed by their first leaf
        List<List<HostTensor>> chunks = new ArrayList<>();
        List<int[]> firsts = new ArrayList<>();
        int[] count = new int[Math.max(classes, 64)];
        for (int round = 0; round < 200; round++) {
            Batch b = data.sample(1024, rng);
            HostTensor tx = b.get(s.textField());
            int n = (int) tx.shape().dim(0);
            int[] f = new int[n];
            for (int i = 0; i < n; i++) {
                f[i] = Tokens.at(tx, i, 0);
                if (oracle == null) {
                    classes = Math.max(classes, f[i] + 1);
                }
                count[f[i]]++;
            }
            chunks.add(List.of(tx));
            firsts.add(f);
            boolean full = true;
            for (int c = 0; c < classes; c++) {
                full &= count[c] >= pool;
            }
            if (full) {
                break;
            }
        }
        double[][][] prompts = new double[classes][][];
        int[] have = new int[classes];
        for (int c = 0; c < classes; c++) {
            prompts[c] = new double[Math.min(pool, count[c])][];
        }
        for (int ch = 0; ch < chunks.size(); ch++) {
            HostTensor tx = chunks.get(ch).get(0);
            double[][] e = model.embedTexts(tx);
            int[] f = firsts.get(ch);
            for (int i = 0; i < f.length; i++) {
                int c = f[i];
                if (have[c] < prompts[c].length) {
                    prompts[c][have[c]++] = e[i];
                }
            }
        }
        int minPool = Integer.MAX_VALUE;
        for (int c = 0; c < classes; c++) {
            minPool = Math.min(minPool, have[c]);
        }
        if (minPool == 0) {
            LOG.warn("zero-shot: some class never appeared as a first text leaf; skipped");
            return Map.of();
        }
        Batch test = data.sample(s.zeroShotImages(), rng);
        HostTensor im = test.get(s.imageField());
        HostTensor txt = test.get(s.textField());
        int n = (int) im.shape().dim(0);
        int[] label = new int[n];
        for (int i = 0; i < n; i++) {
            label[i] = Tokens.at(txt, i, 0);
        }
        double[][] fi = model.embedImages(im);
        // scores[i][c][j]
        double[][][] sc = new double[n][classes][];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < classes; c++) {
                sc[i][c] = new double[have[c]];
                for (int j = 0; j < have[c]; j++) {
                    sc[i][c][j] = model.score(fi[i], prompts[c][j]);
                }
            }
        }
        Estimate bayesCeEstimate = null;
        Estimate bayesAccEstimate = null;
        double[] bayesCePerImage = null;
        if (oracle != null) {
            double[][] post = ZeroShotBayesRisk.posterior(oracle, Tokens.asLongs(im, n, im.shape().dim(1)));
            double[] ce = new double[n];
            bayesCePerImage = ce;
            double[] acc = new double[n];
            for (int i = 0; i < n; i++) {
                ce[i] = -Math.log(Math.max(post[i][label[i]], 1e-300));
                acc[i] = argmax(post[i]) == label[i] ? 1 : 0;
            }
            bayesCeEstimate = Estimate.of(ce);
            bayesAccEstimate = Estimate.of(acc);
        }
        double bayesCe = bayesCeEstimate == null ? Double.NaN : bayesCeEstimate.mean();
        double bayesAcc = bayesAccEstimate == null ? Double.NaN : bayesAccEstimate.mean();
        Map<String, Double> out = new LinkedHashMap<>();
        StringBuilder csv = new StringBuilder(
                "prompts,repeats,ce,accuracy,bayes_ce,bayes_ce_se,bayes_accuracy,bayes_accuracy_se\n");
        double bayesCeSe = bayesCeEstimate == null ? Double.NaN : bayesCeEstimate.se();
        double bayesAccSe = bayesAccEstimate == null ? Double.NaN : bayesAccEstimate.se();
        List<Double> ms = new ArrayList<>();
        List<Double> ces = new ArrayList<>();
        double[] cePerImage = new double[n];
        int largestM = 0;
        for (long mLong : s.prompts()) {
            int m = (int) Math.min(mLong, minPool);
            int reps = Math.max(1, minPool / m);
            double ce = 0;
            double acc = 0;
            double[] logit = new double[classes];
            double[] sub = new double[m];
            boolean largest = m >= largestM;
            if (largest) {
                largestM = m;
                java.util.Arrays.fill(cePerImage, 0);
            }
            for (int r = 0; r < reps; r++) {
                for (int i = 0; i < n; i++) {
                    for (int c = 0; c < classes; c++) {
                        System.arraycopy(sc[i][c], r * m, sub, 0, m);
                        logit[c] = ContrastiveObjective.logSumExp(sub) - Math.log(m);
                    }
                    double ceI = ContrastiveObjective.logSumExp(logit) - logit[label[i]];
                    ce += ceI;
                    if (largest) {
                        cePerImage[i] += ceI / reps;
                    }
                    acc += argmax(logit) == label[i] ? 1 : 0;
                }
            }
            ce /= (double) reps * n;
            acc /= (double) reps * n;
            out.put("zsc_ce_m" + m, ce);
            out.put("zsc_acc_m" + m, acc);
            ms.add((double) m);
            ces.add(ce);
            csv.append(String.format(Locale.ROOT, "%d,%d,%.6f,%.6f,%.6f,%.6f,%.6f,%.6f%n", m, reps, ce, acc, bayesCe,
                    bayesCeSe, bayesAcc, bayesAccSe));
            LOG.info(String.format(Locale.ROOT, "zero-shot M=%d: CE %.4f (Bayes %.4f), accuracy %.4f (Bayes %.4f)",
                    m, ce, bayesCe, acc, bayesAcc));
        }
        out.put("eval_bayes_zsc_ce", bayesCe);
        out.put("eval_bayes_zsc_ce" + Estimate.SE_SUFFIX, bayesCeSe);
        if (bayesCePerImage != null && largestM > 0) {
            // model and Bayes are scored on the same images, so the excess's sampling error is that of the
            // per-image differences (much smaller than either side's own when hard images are hard for both)
            double[] diff = new double[n];
            for (int i = 0; i < n; i++) {
                diff[i] = cePerImage[i] - bayesCePerImage[i];
            }
            out.put(ZSC_EXCESS_SE, Estimate.of(diff).se());
        }
        out.put("eval_bayes_zsc_acc", bayesAcc);
        out.put("eval_bayes_zsc_acc" + Estimate.SE_SUFFIX, bayesAccSe);
        // A/M + B describes the large-M regime (the log-mean-exp's Jensen gap ~ 1/M); the smallest M are far from it,
        // so fit on M >= FIT_MIN_PROMPTS when at least two such counts were measured
        List<double[]> pts = new ArrayList<>();
        for (int i = 0; i < ms.size(); i++) {
            if (ms.get(i) >= FIT_MIN_PROMPTS) {
                pts.add(new double[]{ms.get(i), ces.get(i)});
            }
        }
        if (pts.stream().mapToDouble(p -> p[0]).distinct().count() < 2) {
            pts.clear();
            for (int i = 0; i < ms.size(); i++) {
                pts.add(new double[]{ms.get(i), ces.get(i)});
            }
        }
        double[] mArr = ms.stream().mapToDouble(Double::doubleValue).toArray();
        Map<String, double[][]> curves = new LinkedHashMap<>();
        curves.put("model", new double[][]{mArr, ces.stream().mapToDouble(Double::doubleValue).toArray()});
        if (pts.stream().mapToDouble(p -> p[0]).distinct().count() >= 2) {
            PromptCountFit fit = PromptCountFit.fit(pts.stream().mapToDouble(p -> p[0]).toArray(),
                    pts.stream().mapToDouble(p -> p[1]).toArray());
            out.put("zsc_fit_a", fit.a());
            out.put("zsc_fit_b", fit.b());
            out.put("zsc_fit_b_excess", fit.b() - bayesCe);
            LOG.info(String.format(Locale.ROOT, "zero-shot fit CE(M) = %.4f/M + %.4f (Bayes %.4f)", fit.a(), fit.b(),
                    bayesCe));
            double[] fitted = pts.stream().mapToDouble(p -> p[0]).toArray();
            curves.put(String.format(Locale.ROOT, "fit %.3f/M + %.3f", fit.a(), fit.b()),
                    new double[][]{fitted, Arrays.stream(fitted).map(m -> fit.a() / m + fit.b()).toArray()});
        }
        double bayes = bayesCe;
        curves.put("Bayes (BP)", new double[][]{mArr, Arrays.stream(mArr).map(m -> bayes).toArray()});
        AtomicFiles.writeString(directory.resolve("zero_shot.csv"), csv.toString());
        figures.lineChart("zero-shot-ce", "zero-shot cross-entropy against prompts per class", "prompts per class M",
                "cross-entropy (nats)", curves);
        return out;
    }

    /** Softmax probe from the frozen image embedding to the root, against the BP root posterior. */
    Map<String, Double> probe(SplittableRandom rng) {
        Labelled train = labelled(s.probeTrain(), rng);
        Labelled test = labelled(s.probeTest(), rng);
        if (train == null || test == null) {
            LOG.warn("sufficiency probe skipped: the batch has no '{}' field and there is no oracle", s.rootField());
            return Map.of();
        }
        int classes = oracle != null ? oracle.states() : 1 + java.util.Arrays.stream(train.y).max().orElse(0);
        SoftmaxProbe p = SoftmaxProbe.fit(train.x, train.y, classes, 1e-4, 3000, 1e-6);
        double ce = p.crossEntropy(test.x, test.y);
        Map<String, Double> out = new LinkedHashMap<>();
        out.put("probe_root_ce", ce);
        out.put("probe_root_acc", p.accuracy(test.x, test.y));
        double bp = Double.NaN;
        double bpSe = Double.NaN;
        if (test.posterior != null) {
            double[] ces = new double[test.y.length];
            for (int i = 0; i < test.y.length; i++) {
                ces[i] = -Math.log(Math.max(test.posterior[i][test.y[i]], 1e-300));
            }
            Estimate e = Estimate.of(ces);
            bp = e.mean();
            bpSe = e.se();
        }
        out.put("bp_root_ce", bp);
        out.put("bp_root_ce" + Estimate.SE_SUFFIX, bpSe);
        out.put("sufficiency_gap", ce - bp);
        LOG.info(String.format(Locale.ROOT, "sufficiency probe: root CE %.4f from the image embedding, BP %.4f, "
                + "gap %.4f", ce, bp, ce - bp));
        return out;
    }

    private record Labelled(double[][] x, int[] y, double[][] posterior) {
    }

    private Labelled labelled(int n, SplittableRandom rng) {
        Batch b = data.sample(n, rng);
        HostTensor im = b.get(s.imageField());
        double[][] post = oracle == null ? null
                : oracle.rootPosterior(Modality.IMAGE, Tokens.asLongs(im, n, im.shape().dim(1)));
        int[] y = new int[n];
        if (b.fields().containsKey(s.rootField())) {
            HostTensor r = b.get(s.rootField());
            for (int i = 0; i < n; i++) {
                y[i] = Tokens.at(r, i, 0);
            }
        } else if (post != null) {
            // y | x_im is distributed as the BP posterior: drawing from it gives correctly distributed labels
            for (int i = 0; i < n; i++) {
                double u = rng.nextDouble();
                int c = 0;
                double acc = post[i][0];
                while (u > acc && c < post[i].length - 1) {
                    acc += post[i][++c];
                }
                y[i] = c;
            }
        } else {
            return null;
        }
        return new Labelled(model.embedImages(im), y, post);
    }

    static int argmax(double[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
