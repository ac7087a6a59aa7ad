package io.suffice.downstream.clip;

import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.EncoderTrace;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Two towers ({@code image.*} and {@code text.*} parameters, one architecture) and the contrastive objective, compiled
 * twice: a training step (loss and the gradient of every parameter, one ONNX model) and one embedding function per
 * tower (dynamic batch) that reads the same live {@link ParameterStore}. Not thread-safe; close it to release the
 * compiled sessions.
 * <p>
 * <b>Guided variant</b> (contrastive-jghm.md sec. 5), when the guide penalty {@code lambda} is positive: the step
 * optimises {@code contrastive loss + lambda * (1/N) sum_{towers, blocks b, tokens t, channels s < S}
 * (H_b[n, t, s] - beliefs[n, min(b, D) - 1, t, s])^2}, where {@code H_b} is the residual stream after block
 * {@code b = 1..depth} ({@link Encoder#trace}), only its first S channels, and the targets are the oracle's
 * {@link BayesOracle#levelBeliefs} of the step's own tokens (block b is pulled towards the BP beliefs of tree level b;
 * blocks deeper than the tree, towards the root posterior). N is the number of sequences per tower, so the penalty is
 * a mean over sequences. The gradients are those of the sum; {@link #lossAndGradients} still returns the pure
 * contrastive loss (the risk the paper reports) and {@link #lastGuidePenalty} the penalty term. The embedding
 * functions are unchanged.
 */
public final class ClipModel implements AutoCloseable {
    public static final String IMAGE = "image";
    public static final String TEXT = "text";
    private static final String GRAD = "grad:";
    /** Graph-input name prefix of the guide targets ({@code guide.image}, {@code guide.text}). */
    public static final String GUIDE = "guide.";
    private static final String PENALTY = "guide_penalty";
    private static final int EMBED_CHUNK = 1024;

    private final String objective;
    private final ParameterStore store;
    private final Executable train;
    private final Executable embedImage;
    private final Executable embedText;
    private final List<String> paramNames;
    private final Map<String, HostTensor> feeds = new LinkedHashMap<>();
    private final List<HostTensor> grads = new ArrayList<>();
    private final int embedding;
    private final double guidePenalty;
    private final BayesOracle guideOracle;
    private double lastGuidePenalty;

    /**
     * The standard (unguided) model.
     *
     * @param encoder        the architecture of both towers (renamed to {@code image} and {@code text})
     * @param seed           graph seed (parameter initialisation)
     * @param objective      {@link ContrastiveObjective#K_CANDIDATE} or {@link ContrastiveObjective#INFONCE}
     * @param tokenType      dtype of the token fields
     * @param imageLength    tokens per image sequence
     * @param textLength     tokens per text sequence
     * @param batch          B (InfoNCE's diagonal size)
     * @param k              K (size of the k-candidate groups)
     * @param executor       compiles the step and the embedding functions
     * @param differentiator the runtime's autodiff
     */
    public ClipModel(Encoder encoder, long seed, String objective, DType tokenType, long imageLength, long textLength,
                     int batch, int k, Executor executor, Differentiator differentiator) {
        this(encoder, seed, objective, tokenType, imageLength, textLength, batch, k, 0, null, executor,
                differentiator);
    }

    /**
     * The standard model ({@code guidePenalty = 0}) or the guided variant (see the class comment).
     *
     * @param guidePenalty lambda >= 0; 0 builds the standard model and ignores {@code oracle}
     * @param oracle       the source of the guide targets when {@code guidePenalty > 0}
     * @throws IllegalArgumentException when {@code guidePenalty > 0} but there is no oracle, the oracle has no level
     *                                  beliefs, the encoder has no hidden states, its width is below S, or the tokens
     *                                  do not fit the oracle
     */
    public ClipModel(Encoder encoder, long seed, String objective, DType tokenType, long imageLength, long textLength,
                     int batch, int k, double guidePenalty, BayesOracle oracle, Executor executor,
                     Differentiator differentiator) {
        this.objective = ContrastiveObjective.check(objective);
        this.guidePenalty = checkPenalty(guidePenalty);
        boolean guided = guidePenalty > 0;
        this.guideOracle = guided ? requireOracle(oracle, tokenType) : null;
        Encoder im = encoder.withName(IMAGE);
        Encoder tx = encoder.withName(TEXT);
        Graph g = new Graph(seed);
        Value xi = g.input(IMAGE, tokenType, Shape.DYNAMIC, imageLength);
        Value xt = g.input(TEXT, tokenType, Shape.DYNAMIC, textLength);
        EncoderTrace ti = im.trace(g, xi);
        EncoderTrace tt = tx.trace(g, xt);
        Value fi = ti.output();
        Value ft = tt.output();
        this.embedding = (int) fi.shape().dim(1);
        Value loss = this.objective.equals(ContrastiveObjective.K_CANDIDATE)
                ? ContrastiveObjective.kCandidate(g, fi, ft, k)
                : ContrastiveObjective.infoNce(g, fi, ft, ContrastiveObjective.logitScale(g), batch);
        List<Value> guideInputs = new ArrayList<>();
        Value penalty = null;
        if (guided) {
            Value perSequence = g.add(
                    guideDistances(g, encoder, ti, Modality.IMAGE, imageLength, guideInputs),
                    guideDistances(g, encoder, tt, Modality.TEXT, textLength, guideInputs));   // [N]
            penalty = g.mul(g.reduceMean(perSequence, false), g.scalar(guidePenalty, DType.FLOAT32));
        }
        Value optimised = guided ? g.add(loss, penalty) : loss;
        this.store = ParameterStore.of(g);
        this.paramNames = store.names();
        List<Value> params = g.parameters();
        List<Value> gs = differentiator.gradients(optimised, params);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        if (guided) {
            outs.put(PENALTY, penalty);
        }
        for (int i = 0; i < params.size(); i++) {
            outs.put(GRAD + params.get(i).name(), gs.get(i));
        }
        List<Value> inputs = new ArrayList<>(params);
        inputs.add(xi);
        inputs.add(xt);
        inputs.addAll(guideInputs);
        this.train = executor.compile(g, inputs, outs);
        this.embedImage = embedder(encoder.withName(IMAGE), seed, tokenType, imageLength, executor, IMAGE);
        this.embedText = embedder(encoder.withName(TEXT), seed, tokenType, textLength, executor, TEXT);
    }

    private static double checkPenalty(double penalty) {
        if (!(penalty >= 0) || Double.isInfinite(penalty)) {
            throw new IllegalArgumentException("guide-penalty must be a finite number >= 0 (0 = the standard model), "
                    + "got " + penalty);
        }
        return penalty;
    }

    private static BayesOracle requireOracle(BayesOracle oracle, DType tokenType) {
        if (oracle == null) {
            throw new IllegalArgumentException("guide-penalty > 0 needs a dataset with a Bayes oracle (its BP level "
                    + "beliefs are the targets), but the dataset has none");
        }
        if (tokenType != DType.INT64) {
            throw new IllegalArgumentException("guide-penalty > 0 needs int64 tokens (the oracle's input), got "
                    + tokenType);
        }
        return oracle;
    }

    /**
     * Declares the guide-target input of one tower and returns its per-sequence squared distance
     * {@code sum_{b, t, s < S} (H_b - target_{min(b, D)})^2}, {@code [N]}.
     */
    private Value guideDistances(Graph g, Encoder encoder, EncoderTrace trace, Modality modality, long length,
                                 List<Value> guideInputs) {
        int s = guideOracle.states();
        String what = modality.label() + " tower";
        if (guideOracle.leaves(modality) != length) {
            throw new IllegalArgumentException("guide-penalty > 0: the " + what + " reads " + length
                    + " tokens but the oracle's " + modality.label() + " tree has " + guideOracle.leaves(modality)
                    + " leaves");
        }
        HostTensor probe;
        try {
            // one all-zero sequence: learns D and whether the oracle offers level beliefs at all
            probe = guideOracle.levelBeliefs(modality, HostTensor.zeros(DType.INT64, Shape.of(1, length)));
        } catch (UnsupportedOperationException e) {
            throw new IllegalArgumentException("guide-penalty > 0 needs the oracle's level beliefs: "
                    + e.getMessage(), e);
        }
        long levels = probe.shape().dim(1);
        if (trace.hidden().isEmpty()) {
            throw new IllegalArgumentException("guide-penalty > 0 needs per-block hidden states, but encoder "
                    + encoder.summary() + " has none (use a transformer)");
        }
        Value target = g.input(GUIDE + modality.label(), DType.FLOAT32, Shape.DYNAMIC, levels, length, s);
        guideInputs.add(target);
        Value total = null;
        for (int b = 1; b <= trace.hidden().size(); b++) {
            Value h = trace.hidden().get(b - 1);                                   // [N, T, width]
            if (h.shape().dim(2) < s) {
                throw new IllegalArgumentException("guide-penalty > 0 needs width >= S = " + s + " (the first S "
                        + "channels are pulled to the BP beliefs), but encoder " + encoder.summary()
                        + " has width " + h.shape().dim(2));
            }
            long level = Math.min(b, levels) - 1;
            Value hs = g.slice(h, new long[]{0}, new long[]{s}, new long[]{2}, null);          // [N, T, S]
            Value ts = g.squeeze(g.slice(target, new long[]{level}, new long[]{level + 1}, new long[]{1}, null),
                    1);                                                                           // [N, T, S]
            Value d = g.sub(hs, ts);
            Value sq = g.reduceSum(g.mul(d, d), false, 1, 2);                                   // [N]
            total = total == null ? sq : g.add(total, sq);
        }
        return total;
    }

    private static Executable embedder(Encoder tower, long seed, DType tokenType, long length, Executor executor,
                                       String input) {
        Graph g = new Graph(seed);
        Value x = g.input(input, tokenType, Shape.DYNAMIC, length);
        Value f = tower.forward(g, x);
        List<Value> inputs = new ArrayList<>(g.parameters());
        inputs.add(x);
        return executor.compile(g, inputs, Map.of("embedding", f));
    }

    public ParameterStore store() {
        return store;
    }

    public String objective() {
        return objective;
    }

    public int embedding() {
        return embedding;
    }

    /**
     * Contrastive loss and the gradients of the optimised objective (the loss, plus the guide penalty term in the
     * guided variant) at the current parameters; the gradients are owned by the compiled step and overwritten by the
     * next call.
     */
    public double lossAndGradients(HostTensor image, HostTensor text) {
        feeds.clear();
        feeds.putAll(store.asMap());
        feeds.put(IMAGE, image);
        feeds.put(TEXT, text);
        if (guideOracle != null) {
            feeds.put(GUIDE + IMAGE, guideOracle.levelBeliefs(Modality.IMAGE, image));
            feeds.put(GUIDE + TEXT, guideOracle.levelBeliefs(Modality.TEXT, text));
        }
        Map<String, HostTensor> out = train.run(feeds);
        grads.clear();
        for (String p : paramNames) {
            grads.add(out.get(GRAD + p));
        }
        lastGuidePenalty = guideOracle == null ? 0 : out.get(PENALTY).toDoubleArray()[0];
        return out.get("loss").toDoubleArray()[0];
    }

    /** The guide penalty lambda (0: the standard model). */
    public double guidePenalty() {
        return guidePenalty;
    }

    /**
     * The penalty term of the last {@link #lossAndGradients} call (already multiplied by lambda, so the optimised
     * objective is the returned loss plus this); 0 for the standard model.
     */
    public double lastGuidePenalty() {
        return lastGuidePenalty;
    }

    /** The gradients of the last {@link #lossAndGradients} call, in store order. */
    public List<HostTensor> gradients() {
        return List.copyOf(grads);
    }

    /** Image embeddings of int tokens {@code [n, T]}, as {@code [n][e]}. */
    public double[][] embedImages(HostTensor tokens) {
        return embed(embedImage, IMAGE, tokens);
    }

    /** Text embeddings. */
    public double[][] embedTexts(HostTensor tokens) {
        return embed(embedText, TEXT, tokens);
    }

    private double[][] embed(Executable exec, String input, HostTensor tokens) {
        int n = (int) tokens.shape().dim(0);
        double[][] out = new double[n][];
        for (int from = 0; from < n; from += EMBED_CHUNK) {
            int to = Math.min(n, from + EMBED_CHUNK);
            Map<String, HostTensor> f = new LinkedHashMap<>();
            for (String name : exec.inputNames()) {
                f.put(name, name.equals(input) ? (from == 0 && to == n ? tokens : Tokens.rows(tokens, from, to))
                        : store.get(name));
            }
            double[] e = exec.run(f).get("embedding").toDoubleArray();
            for (int i = from; i < to; i++) {
                double[] row = new double[embedding];
                System.arraycopy(e, (i - from) * embedding, row, 0, embedding);
                out[i] = row;
            }
        }
        return out;
    }

    /** The trained score s(image, text) on embeddings. */
    public double score(double[] image, double[] text) {
        double t = store.names().contains(ContrastiveObjective.LOGIT_SCALE)
                ? store.get(ContrastiveObjective.LOGIT_SCALE).toDoubleArray()[0] : 0;
        return ContrastiveObjective.score(objective, t, image, text);
    }

    @Override
    public void close() {
        train.close();
        embedImage.close();
        embedText.close();
    }
}
