package io.suffice.downstream.caption;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.Embedding;
import io.suffice.api.nn.Linear;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.downstream.generative.CausalMask;
import io.suffice.downstream.generative.ConditionToken;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.GenerativeModel;
import io.suffice.downstream.generative.TransformerStack;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The contrastive-JGHM paper's vision-language model (contrastive-jghm.md sec. 4-5): a causal transformer over the
 * sequence {@code [c, x_0, ..., x_{L-2}]} where {@code c} is one prefix token carrying the image
 * ({@link ConditionToken}: the frozen image embedding, a jointly trained image encoder, or a learned constant) and
 * {@code x_i} are the text leaves (token embedding {@code S -> d} plus a learned positional embedding {@code [L, d]}).
 * With the {@link CausalMask} the prefix attends to itself and text attends to the prefix and earlier text, so the
 * output at position {@code j} gives the logits of {@code P(x_j | x_{<j}, image)}.
 * <ul>
 * <li>{@code nextTokenCe}: mean over the batch and the L-1 positions {@code j = 1..L-1} of
 *     {@code -log P(x_j | x_{<j}, image)}, the paper's risk (80 positions in the JGHM), comparable with
 *     {@link NextTokenBayesRisk} ({@code next_token_ce}).</li>
 * <li>{@code firstTokenCe}: the same at {@code j = 0} (first leaf from the image alone), which lets the model write a
 *     caption from nothing.</li>
 * <li>{@code loss} (trained): the mean over all L positions, {@code (firstTokenCe + (L-1) nextTokenCe) / L}.</li>
 * </ul>
 * Immutable.
 *
 * @param states       S (vocabulary)
 * @param length       L, text leaves
 * @param conditioning where the prefix token comes from
 */
public record CaptionModel(int states, int length, int width, int depth, int heads, Conditioning conditioning,
                           DType dtype) {
    /** Input name of the text tokens, int64 {@code [B, L]} (the last one is only a target). */
    public static final String TEXT = "text";

    public CaptionModel {
        if (states < 2 || length < 2) {
            throw new IllegalArgumentException("bad caption model sizes: S " + states + ", length " + length);
        }
    }

    /** The built graph's handles. */
    public record Built(Value text, ConditionToken condition, Value logits, Value loss, Value nextTokenCe,
                        Value firstTokenCe) implements GenerativeModel {
        /** The output name of the logits function (and of its ONNX export). */
        public static final String LOGITS = "logits";
        /** Metrics column of {@link #nextTokenCe}, the paper's risk. */
        public static final String NEXT = "next_token_ce";
        /** Metrics column of {@link #firstTokenCe}. */
        public static final String FIRST = "first_token_ce";

        /** Every graph input (text, conditioning). */
        @Override
        public List<Value> inputs() {
            List<Value> l = new ArrayList<>(List.of(text));
            l.addAll(condition.inputs());
            return l;
        }

        /** The mean CE over all L positions. */
        @Override
        public Value objective() {
            return loss;
        }

        /** {@code next_token_ce} (the paper's 80-position risk) and {@code first_token_ce}. */
        @Override
        public Map<String, Value> metrics() {
            Map<String, Value> m = new LinkedHashMap<>();
            m.put(NEXT, nextTokenCe);
            m.put(FIRST, firstTokenCe);
            return m;
        }

        @Override
        public String predictionName() {
            return LOGITS;
        }

        @Override
        public Value prediction() {
            return logits;
        }

        /** The logits read the same inputs as the loss (the last text token only as a target). */
        @Override
        public List<Value> predictionInputs() {
            return inputs();
        }
    }

    /**
     * Builds the model and its losses into {@code g}.
     *
     * @param embeddingDim    e of a frozen image embedding (FROZEN)
     * @param jointEncoder    the image encoder architecture to train jointly (JOINT), else null
     * @param conditionLength T of the image tokens (JOINT)
     */
    public Built build(Graph g, int embeddingDim, Encoder jointEncoder, long conditionLength) {
        Value text = g.input(TEXT, DType.INT64, Shape.DYNAMIC, length);
        Value prefixText = g.slice(text, new long[]{0}, new long[]{length - 1}, new long[]{1}, null);  // [B, L-1]
        Value tok = new Embedding(g, "vlm.tok", states, width, dtype).apply(prefixText);               // [B, L-1, d]
        ConditionToken cond = new ConditionToken(conditioning);
        Value c = cond.build(g, tok, width, embeddingDim, jointEncoder, conditionLength, dtype);
        Value pos = g.parameter("vlm.pos", dtype, Shape.of(length, width), Init.normal(0.02));
        Value h = g.add(g.concat(1, c, tok), pos);                                                      // [B, L, d]
        h = new TransformerStack("vlm", width, depth, heads, dtype).apply(g, h, CausalMask.of(g, length, dtype));
        Value logits = new Linear(g, "vlm.out", width, states, true, dtype).apply(h);                 // [B, L, S]
        Value nll = g.neg(g.reduceSum(g.mul(g.logSoftmax(logits, -1), oneHot(g, text)), false, 2));  // [B, L]
        Value next = g.reduceMean(g.slice(nll, new long[]{1}, new long[]{length}, new long[]{1}, null), false);
        Value first = g.reduceMean(g.slice(nll, new long[]{0}, new long[]{1}, new long[]{1}, null), false);
        return new Built(text, cond, logits, g.reduceMean(nll, false), next, first);
    }

    /** {@code [B, L]} int64 -> {@code [B, L, S]} one-hot of {@code dtype} (a constant function of the input). */
    private Value oneHot(Graph g, Value tokens) {
        long[] symbols = new long[states];
        for (int s = 0; s < states; s++) {
            symbols[s] = s;
        }
        Value eq = g.equal(g.unsqueeze(tokens, 2), g.constant(HostTensor.of(symbols, states)));
        return g.cast(eq, dtype);
    }
}
