package io.suffice.downstream.denoise;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.Linear;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.downstream.generative.ConditionToken;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.GenerativeModel;
import io.suffice.downstream.generative.TransformerStack;

import java.util.ArrayList;
import java.util.List;

/**
 * The contrastive-JGHM paper's single-noise-level conditional denoiser (contrastive-jghm.md sec. 4-5): given noisy
 * image leaves {@code z = x_im + sigma * eps}, predict the posterior mean {@code E[x_im | z, x_tx]}.
 * <ul>
 * <li>Leaf features: the Gaussian log-likelihood of every symbol, {@code f[i, s] = -(z_i - s)^2 / (2 sigma^2)} for
 *     {@code s = 0..S-1} (an S-vector per leaf), mapped {@code S -> d} by a linear layer.</li>
 * <li>One extra token carries the conditioning ({@link ConditionToken}: the frozen text embedding, a jointly
 *     trained text encoder, or a learned constant), placed before the leaves; a learned positional embedding
 *     {@code [L + 1, d]} is added.</li>
 * <li>A bidirectional {@link TransformerStack} (authors: 9 = 2L + 1 blocks, d = 128).</li>
 * <li>Readout (our choice; the paper fixes none): per-leaf logits {@code d -> S} and the prediction
 *     {@code sum_s s * softmax(logits)_s}, an expectation over the symbols like the Bayes answer itself, so it lies
 *     in {@code [0, S-1]}.</li>
 * </ul>
 * Loss: squared error summed over the L leaves, averaged over the batch,
 * {@code (1/B) sum_b sum_i (xhat_bi - x_bi)^2}, the unit of {@link DenoiseBayesRisk} ({@code denoise_mse}).
 * <p>
 * With {@code noiseLevelInput} (beyond the authors: the denoiser of a multi-level diffusion model) sigma is an input
 * {@link #SIGMA} {@code [B]} per example instead of a constant: the features use each example's sigma, and a learned
 * embedding of {@code log sigma} ({@code 1 -> d}) is added to every token. Immutable.
 *
 * @param states       S
 * @param leaves       L (81 in the JGHM)
 * @param sigma        noise scale of the features
 * @param conditioning where the extra token comes from
 */
public record ConditionalDenoiser(int states, int leaves, double sigma, int width, int depth, int heads,
                                  Conditioning conditioning, DType dtype, boolean noiseLevelInput) {
    /** Input names. */
    public static final String NOISY = "noisy";
    public static final String TARGET = "target";
    /** Input name of the per-example noise scale {@code [B]} (with {@code noiseLevelInput}). */
    public static final String SIGMA = "sigma";

    /** The paper's single-noise-level denoiser (sigma fixed). */
    public ConditionalDenoiser(int states, int leaves, double sigma, int width, int depth, int heads,
                               Conditioning conditioning, DType dtype) {
        this(states, leaves, sigma, width, depth, heads, conditioning, dtype, false);
    }

    public ConditionalDenoiser {
        if (states < 2 || leaves < 1 || !(sigma > 0)) {
            throw new IllegalArgumentException("bad denoiser sizes: S " + states + ", leaves " + leaves + ", sigma "
                    + sigma);
        }
    }

    /** The built graph's handles. */
    public record Built(Value noisy, Value target, Value sigma, ConditionToken condition, Value prediction,
                        Value loss) implements GenerativeModel {
        /** The output name of the prediction function (and of its ONNX export). */
        public static final String PREDICTION = "prediction";

        @Override
        public Value objective() {
            return loss;
        }

        @Override
        public String predictionName() {
            return PREDICTION;
        }

        /** Every graph input the loss needs (noisy, target, sigma when an input, conditioning). */
        @Override
        public List<Value> inputs() {
            List<Value> l = new ArrayList<>(List.of(noisy, target));
            l.addAll(predictionInputs().subList(1, predictionInputs().size()));
            return l;
        }

        /** Every graph input the prediction needs (noisy, sigma when an input, conditioning). */
        @Override
        public List<Value> predictionInputs() {
            List<Value> l = new ArrayList<>(List.of(noisy));
            if (sigma != null) {
                l.add(sigma);
            }
            l.addAll(condition.inputs());
            return l;
        }
    }

    /**
     * Builds the denoiser and its loss into {@code g}.
     *
     * @param embeddingDim    e of a frozen embedding (FROZEN)
     * @param jointEncoder    the text encoder architecture to train jointly (JOINT), else null
     * @param conditionLength T of the text tokens (JOINT)
     */
    public Built build(Graph g, int embeddingDim, Encoder jointEncoder, long conditionLength) {
        Value z = g.input(NOISY, dtype, Shape.DYNAMIC, leaves);
        Value x = g.input(TARGET, dtype, Shape.DYNAMIC, leaves);
        Value sig = noiseLevelInput ? g.input(SIGMA, dtype, Shape.DYNAMIC) : null;
        Value leafTokens = new Linear(g, "denoiser.in", states, width, true, dtype).apply(features(g, z, sig));
        ConditionToken cond = new ConditionToken(conditioning);
        Value c = cond.build(g, leafTokens, width, embeddingDim, jointEncoder, conditionLength, dtype);
        Value pos = g.parameter("denoiser.pos", dtype, Shape.of(leaves + 1, width), Init.normal(0.02));
        Value h = g.add(g.concat(1, c, leafTokens), pos);                                      // [B, L+1, d]
        if (sig != null) {
            Value logSigma = g.unsqueeze(g.log(sig), 1, 2);                                      // [B, 1, 1]
            h = g.add(h, new Linear(g, "denoiser.level", 1, width, true, dtype).apply(logSigma)); // [B, 1, d]
        }
        h = new TransformerStack("denoiser", width, depth, heads, dtype).apply(g, h, null);
        Value leafOut = g.slice(h, new long[]{1}, new long[]{leaves + 1}, new long[]{1}, null); // [B, L, d]
        Value logits = new Linear(g, "denoiser.out", width, states, true, dtype).apply(leafOut);
        Value mean = g.reduceSum(g.mul(g.softmax(logits, -1), symbols(g)), false, 2);          // [B, L]
        Value err = g.sub(mean, x);
        Value loss = g.reduceMean(g.reduceSum(g.mul(err, err), false, 1), false);
        return new Built(z, x, sig, cond, mean, loss);
    }

    /**
     * {@code f[b, i, s] = -(z[b, i] - s)^2 / (2 sigma^2)}: {@code [B, L] -> [B, L, S]}, with the constant sigma or,
     * when {@code sigmaInput} is not null, each example's.
     */
    Value features(Graph g, Value z, Value sigmaInput) {
        Value d = g.sub(g.unsqueeze(z, 2), symbols(g));
        if (sigmaInput == null) {
            return g.mul(g.mul(d, d), g.scalar(-1 / (2 * sigma * sigma), dtype));
        }
        Value s = g.unsqueeze(sigmaInput, 1, 2);                                                 // [B, 1, 1]
        return g.div(g.mul(d, d), g.mul(g.mul(s, s), g.scalar(-2, dtype)));
    }

    /** The symbol values {@code 0..S-1} as a constant {@code [S]}. */
    private Value symbols(Graph g) {
        double[] v = new double[states];
        for (int s = 0; s < states; s++) {
            v[s] = s;
        }
        if (dtype == DType.FLOAT64) {
            return g.constant(HostTensor.of(v, states));
        }
        float[] f = new float[states];
        for (int s = 0; s < states; s++) {
            f[s] = s;
        }
        return g.constant(HostTensor.of(f, states));
    }
}
