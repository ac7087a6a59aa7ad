package io.suffice.downstream.contrastive;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

import java.util.Locale;

/**
 * The contrastive objectives, as graph builders on the two towers' embeddings and as plain-Java scores for evaluation.
 * <ul>
 *   <li>{@link #K_CANDIDATE} (the contrastive-JGHM paper, sec. 3): embeddings come in groups of K pairs, group-major
 *   (rows {@code i*K .. i*K+K-1}; row {@code i*K} is the positive pair, the other rows are fresh pairs independent of
 *   it). With the raw dot-product score {@code s = <f_im, f_tx>} the loss of a group is
 *   {@code -log softmax_j s(im_0, tx_j)[0] - log softmax_j s(im_j, tx_0)[0]}, summed over the two directions; the
 *   risk is its mean over groups.</li>
 *   <li>{@link #INFONCE} (open_clip): B pairs, features scaled to unit length, logits
 *   {@code exp(t) * <u_im_a, u_tx_b>} with a learnable log-scale {@code t} (initial {@code log(1/0.07)}, clamped at
 *   {@code log 100}), loss the mean of the image-to-text and text-to-image cross-entropies against the diagonal.</li>
 * </ul>
 */
public final class ContrastiveObjective {
    public static final String K_CANDIDATE = "k-candidate";
    public static final String INFONCE = "infonce";
    /** Name of the learnable log-scale parameter of the InfoNCE objective. */
    public static final String LOGIT_SCALE = "clip.logit_scale";
    static final double INITIAL_LOGIT_SCALE = Math.log(1 / 0.07);
    static final double MAX_LOGIT_SCALE = Math.log(100);

    private ContrastiveObjective() {
    }

    public static String check(String objective) {
        String o = objective.toLowerCase(Locale.ROOT);
        if (!o.equals(K_CANDIDATE) && !o.equals(INFONCE)) {
            throw new IllegalArgumentException("objective must be " + K_CANDIDATE + " or " + INFONCE + ", got '"
                    + objective + "'");
        }
        return o;
    }

    /**
     * The symmetric K-candidate risk (mean over groups of the summed two-direction losses).
     *
     * @param image [N, e] image embeddings, N = groups * k, group-major
     * @param text  [N, e] text embeddings, row-aligned with {@code image}
     */
    public static Value kCandidate(Graph g, Value image, Value text, int k) {
        long e = image.shape().dim(1);
        Value fi = g.reshape(image, -1, k, e);                                   // [B, K, e]
        Value ft = g.reshape(text, -1, k, e);
        Value i0 = g.slice(fi, new long[]{0}, new long[]{1}, new long[]{1}, null); // [B, 1, e]
        Value t0 = g.slice(ft, new long[]{0}, new long[]{1}, new long[]{1}, null);
        Value sImToTx = g.reduceSum(g.mul(i0, ft), false, 2);                  // [B, K]: s(im_0, tx_j)
        Value sTxToIm = g.reduceSum(g.mul(t0, fi), false, 2);                  // [B, K]: s(im_j, tx_0)
        Value l1 = positiveNll(g, sImToTx);
        Value l2 = positiveNll(g, sTxToIm);
        return g.reduceMean(g.add(l1, l2), false);
    }

    /** {@code -log softmax(scores, 1)[:, 0]} as [B]. */
    private static Value positiveNll(Graph g, Value scores) {
        Value lsm = g.logSoftmax(scores, 1);
        return g.neg(g.squeeze(g.slice(lsm, new long[]{0}, new long[]{1}, new long[]{1}, null), 1));
    }

    /** The learnable log-scale parameter of InfoNCE, declared in {@code g}. */
    public static Value logitScale(Graph g) {
        return g.parameter(LOGIT_SCALE, io.suffice.api.tensor.Shape.scalar(),
                io.suffice.api.graph.Init.constant(INITIAL_LOGIT_SCALE));
    }

    /**
     * open_clip's symmetric in-batch InfoNCE on {@code batch} pairs.
     *
     * @param image      [B, e]
     * @param text       [B, e], row b paired with image row b
     * @param logitScale the scalar parameter of {@link #logitScale}
     * @param batch      B (the diagonal mask is a constant of this size)
     */
    public static Value infoNce(Graph g, Value image, Value text, Value logitScale, int batch) {
        Value logits = infoNceLogits(g, image, text, logitScale);                // [B, B]
        float[] eye = new float[batch * batch];
        for (int i = 0; i < batch; i++) {
            eye[i * batch + i] = 1;
        }
        Value diag = g.constant(HostTensor.of(eye, batch, batch));
        Value rows = g.mul(g.logSoftmax(logits, 1), diag);                      // image -> text
        Value cols = g.mul(g.logSoftmax(logits, 0), diag);                      // text -> image
        Value total = g.reduceSum(g.add(rows, cols), false);
        return g.neg(g.div(total, g.scalar(2.0 * batch, DType.FLOAT32)));
    }

    /** {@code exp(clamp(t)) * normalize(image) normalize(text)^T}, [B, B]. */
    static Value infoNceLogits(Graph g, Value image, Value text, Value logitScale) {
        Value scale = g.exp(g.clip(logitScale, -MAX_LOGIT_SCALE, MAX_LOGIT_SCALE));
        return g.mul(g.matMul(normalize(g, image), g.transpose(normalize(g, text))), scale);
    }

    static Value normalize(Graph g, Value x) {
        Value norm = g.sqrt(g.add(g.reduceSum(g.mul(x, x), true, 1), g.scalar(1e-12, DType.FLOAT32)));
        return g.div(x, norm);
    }

    // ------------------------------------------------------------------ plain Java (evaluation, tests)

    /**
     * The score the objective trains, on embeddings: the raw dot product for {@link #K_CANDIDATE}; for
     * {@link #INFONCE} {@code exp(min(t, log 100)) * cos(image, text)}.
     */
    public static double score(String objective, double logitScale, double[] image, double[] text) {
        double dot = 0;
        double ni = 0;
        double nt = 0;
        for (int i = 0; i < image.length; i++) {
            dot += image[i] * text[i];
            ni += image[i] * image[i];
            nt += text[i] * text[i];
        }
        if (objective.equals(K_CANDIDATE)) {
            return dot;
        }
        double t = Math.max(-MAX_LOGIT_SCALE, Math.min(MAX_LOGIT_SCALE, logitScale));
        return Math.exp(t) * dot / (Math.sqrt(ni + 1e-12) * Math.sqrt(nt + 1e-12));
    }

    /**
     * Per-group symmetric K-candidate losses from a score matrix: {@code scores[g][a][b] = s(im_a, tx_b)} within
     * group g (candidate 0 positive).
     */
    public static double groupLoss(double[][] s) {
        int k = s.length;
        double[] row = new double[k];
        double[] col = new double[k];
        for (int j = 0; j < k; j++) {
            row[j] = s[0][j];
            col[j] = s[j][0];
        }
        return logSumExp(row) - row[0] + logSumExp(col) - col[0];
    }

    public static double logSumExp(double[] x) {
        return io.suffice.api.oracle.LogSpace.logSumExp(x);
    }
}
