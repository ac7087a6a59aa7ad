package io.suffice.downstream.contrastive;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.model.EncoderTrace;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.api.train.BatchSource;
import io.suffice.api.train.StepRandom;
import io.suffice.api.train.TrainingPlan;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The CLIP model: two towers ({@code image.*} and {@code text.*} parameters, one architecture) in one graph with the
 * contrastive objective, the {@link ParameterStore} the training core updates in place, the
 * {@linkplain #plan training plan} it hands the core, and one embedding function per tower (dynamic batch, compiled
 * on first use) that reads the same live store. Training, checkpoints, resume and export are the core's
 * ({@link io.suffice.api.train.Trainer}). Not thread-safe; close it to release the embedding sessions.
 * <p>
 * <b>Guided variant</b> (contrastive-jghm.md sec. 5), when the guide penalty {@code lambda} is positive: the plan
 * optimises {@code contrastive loss + lambda * (1/N) sum_{towers, blocks b, tokens t, channels s < S}
 * (H_b[n, t, s] - beliefs[n, min(b, D) - 1, t, s])^2}, where {@code H_b} is the residual stream after block
 * {@code b = 1..depth} ({@link Encoder#trace}), only its first S channels, and the targets are the oracle's
 * {@link BayesOracle#levelBeliefs} of the step's own tokens (block b is pulled towards the BP beliefs of tree level b;
 * blocks deeper than the tree, towards the root posterior), fed as the inputs {@code guide.image} and
 * {@code guide.text} by the plan's {@linkplain #batches batch source}. N is the number of sequences per tower, so the
 * penalty is a mean over sequences. The reported loss stays the pure contrastive loss (the risk the paper reports);
 * the penalty term is the metric {@value #GUIDE_PENALTY}. The embedding functions are unchanged.
 * <p>
 * Guide targets ({@link GuideTarget}): {@code beliefs} (the default) feeds the normalised beliefs
 * {@code h_u / sum h_u} as they are; {@code log-messages} feeds the authors' targets, the max-normalised log-messages
 * {@code log h_u - max_b log h_u = log(belief / max belief)}, computed here from the same beliefs (the oracle's
 * float32 beliefs underflow below about 1e-38, so a log-message is floored at {@value #LOG_MESSAGE_FLOOR}; the
 * authors' code has no floor).
 */
public final class ClipModel implements AutoCloseable {
    public static final String IMAGE = "image";
    public static final String TEXT = "text";
    /** Graph-input name prefix of the guide targets ({@code guide.image}, {@code guide.text}). */
    public static final String GUIDE = "guide.";
    /** Metric name of the guided variant's penalty term (already multiplied by lambda). */
    public static final String GUIDE_PENALTY = "guide_penalty";
    /** The floor of a max-normalised log-message target (float32 beliefs underflow to 0 near 1e-38 = e^-87.5). */
    public static final double LOG_MESSAGE_FLOOR = -80;

    /** What the guided variant pulls the hidden states to. */
    public enum GuideTarget {
        /** The normalised upward beliefs {@code h_u / sum h_u}. */
        BELIEFS("beliefs"),
        /** The authors' max-normalised log-messages {@code log h_u - max log h_u}. */
        LOG_MESSAGES("log-messages");

        private final String label;

        GuideTarget(String label) {
            this.label = label;
        }

        /** The config spelling. */
        public String label() {
            return label;
        }

        /** The target called {@code label}. */
        public static GuideTarget of(String label) {
            for (GuideTarget t : values()) {
                if (t.label.equals(label)) {
                    return t;
                }
            }
            throw new IllegalArgumentException("unknown guide target '" + label + "'; choices: beliefs, log-messages");
        }
    }
    /** Export (ONNX file base name) of the image tower: token input {@code image}, output {@value #EMBEDDING}. */
    public static final String IMAGE_ENCODER = "image-encoder";
    /** Export of the text tower: token input {@code text}, output {@value #EMBEDDING}. */
    public static final String TEXT_ENCODER = "text-encoder";
    /** Output name of the embedding functions and exports. */
    public static final String EMBEDDING = "embedding";
    private static final int EMBED_CHUNK = 1024;

    private final Encoder encoder;
    private final Encoder textEncoder;
    private final long seed;
    private final String objective;
    private final DType imageType;
    private final DType textType;
    private final long imageLength;
    private final long textLength;
    private final Executor executor;
    private final Graph graph;
    private final Value imageInput;
    private final Value textInput;
    private final Value imageEmbedding;
    private final Value textEmbedding;
    private final Value loss;
    private final Value penalty;
    private final Value optimised;
    private final List<Value> inputs = new ArrayList<>();
    private final ParameterStore store;
    private final int embedding;
    private final double guidePenalty;
    private final BayesOracle guideOracle;
    private final GuideTarget guideTarget;
    private Executable embedImage;
    private Executable embedText;

    /**
     * The standard (unguided) model.
     *
     * @param encoder     the architecture of both towers (renamed to {@code image} and {@code text})
     * @param seed        graph seed (parameter initialisation)
     * @param objective   {@link ContrastiveObjective#K_CANDIDATE} or {@link ContrastiveObjective#INFONCE}
     * @param tokenType   dtype of the token fields
     * @param imageLength tokens per image sequence
     * @param textLength  tokens per text sequence
     * @param batch       B (InfoNCE's diagonal size)
     * @param k           K (size of the k-candidate groups)
     * @param executor    compiles the embedding functions
     */
    public ClipModel(Encoder encoder, long seed, String objective, DType tokenType, long imageLength, long textLength,
                     int batch, int k, Executor executor) {
        this(encoder, seed, objective, tokenType, imageLength, textLength, batch, k, 0, null, executor);
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
                     int batch, int k, double guidePenalty, BayesOracle oracle, Executor executor) {
        this(encoder, seed, objective, tokenType, imageLength, tokenType, textLength, batch, k, guidePenalty, oracle,
                executor);
    }

    /**
     * A model whose towers read fields of different dtypes (e.g. float32 pixels {@code [n, 784]} for the image tower,
     * int64 word ids {@code [n, T]} for the text tower; the encoder decides how each becomes a vector), each with its
     * own length; otherwise as {@link #ClipModel(Encoder, long, String, DType, long, long, int, int, double,
     * BayesOracle, Executor)}. Graph and parameters are the same as that constructor's when the two dtypes agree.
     *
     * @param imageType dtype of the image field
     * @param textType  dtype of the text field
     */
    public ClipModel(Encoder encoder, long seed, String objective, DType imageType, long imageLength, DType textType,
                     long textLength, int batch, int k, double guidePenalty, BayesOracle oracle, Executor executor) {
        this(encoder, encoder, seed, objective, imageType, imageLength, textType, textLength, batch, k, guidePenalty,
                oracle, executor, GuideTarget.BELIEFS);
    }

    /**
     * As {@link #ClipModel(Encoder, long, String, DType, long, DType, long, int, int, double, BayesOracle,
     * Executor)}, with the guided variant's targets chosen.
     *
     * @param guideTarget what the guided variant's hidden states are pulled to
     */
    public ClipModel(Encoder encoder, long seed, String objective, DType imageType, long imageLength, DType textType,
                     long textLength, int batch, int k, double guidePenalty, BayesOracle oracle, Executor executor,
                     GuideTarget guideTarget) {
        this(encoder, encoder, seed, objective, imageType, imageLength, textType, textLength, batch, k, guidePenalty,
                oracle, executor, guideTarget);
    }

    /**
     * A model whose text tower has an architecture of its own ({@code textEncoder}, e.g. a pretrained
     * {@code onnx-file} text model, renamed to {@code text}); otherwise as the constructor above, which is this one
     * with {@code textEncoder = encoder}.
     */
    public ClipModel(Encoder encoder, Encoder textEncoder, long seed, String objective, DType imageType,
                     long imageLength, DType textType, long textLength, int batch, int k, double guidePenalty,
                     BayesOracle oracle, Executor executor) {
        this(encoder, textEncoder, seed, objective, imageType, imageLength, textType, textLength, batch, k,
                guidePenalty, oracle, executor, GuideTarget.BELIEFS);
    }

    /**
     * The general constructor: a text tower of its own and the guided variant's targets chosen.
     *
     * @param guideTarget what the guided variant's hidden states are pulled to
     */
    public ClipModel(Encoder encoder, Encoder textEncoder, long seed, String objective, DType imageType,
                     long imageLength, DType textType, long textLength, int batch, int k, double guidePenalty,
                     BayesOracle oracle, Executor executor, GuideTarget guideTarget) {
        this.guideTarget = guideTarget;
        this.encoder = encoder;
        this.textEncoder = textEncoder;
        this.seed = seed;
        this.objective = ContrastiveObjective.check(objective);
        this.imageType = imageType;
        this.textType = textType;
        DType tokenType = imageType != DType.INT64 ? imageType : textType;
        this.imageLength = imageLength;
        this.textLength = textLength;
        this.executor = executor;
        this.guidePenalty = checkPenalty(guidePenalty);
        boolean guided = guidePenalty > 0;
        this.guideOracle = guided ? requireOracle(oracle, tokenType) : null;
        Graph g = new Graph(seed);
        this.graph = g;
        this.imageInput = g.input(IMAGE, imageType, Shape.DYNAMIC, imageLength);
        this.textInput = g.input(TEXT, textType, Shape.DYNAMIC, textLength);
        EncoderTrace ti = encoder.withName(IMAGE).trace(g, imageInput);
        EncoderTrace tt = textEncoder.withName(TEXT).trace(g, textInput);
        this.imageEmbedding = ti.output();
        this.textEmbedding = tt.output();
        this.embedding = (int) imageEmbedding.shape().dim(1);
        this.loss = this.objective.equals(ContrastiveObjective.K_CANDIDATE)
                ? ContrastiveObjective.kCandidate(g, imageEmbedding, textEmbedding, k)
                : ContrastiveObjective.infoNce(g, imageEmbedding, textEmbedding, ContrastiveObjective.logitScale(g),
                batch);
        inputs.add(imageInput);
        inputs.add(textInput);
        if (guided) {
            Value perSequence = g.add(
                    guideDistances(g, ti, Modality.IMAGE, imageLength),
                    guideDistances(g, tt, Modality.TEXT, textLength));   // [N]
            this.penalty = g.mul(g.reduceMean(perSequence, false), g.scalar(guidePenalty, DType.FLOAT32));
            this.optimised = g.add(loss, penalty);
        } else {
            this.penalty = null;
            this.optimised = loss;
        }
        this.store = ParameterStore.of(g);
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
    private Value guideDistances(Graph g, EncoderTrace trace, Modality modality, long length) {
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
        inputs.add(target);
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

    /**
     * The training plan of this model, to be completed ({@code logEvery}, {@code auxiliary}, ...) and built by the
     * caller: objective = contrastive loss (+ the guide penalty term in the guided variant), reported loss = the
     * contrastive loss, metric {@value #GUIDE_PENALTY} when guided, inputs {@code image}, {@code text} (and
     * {@code guide.image}, {@code guide.text} when guided), every parameter trained, and the exports
     * {@value #IMAGE_ENCODER} and {@value #TEXT_ENCODER} (token input to {@value #EMBEDDING}).
     *
     * @param label     progress label ({@code clip}, {@code clip pre-training})
     * @param optimizer the update rule
     * @param batches   the step's inputs, normally {@link #batches}
     * @param steps     updates to apply
     */
    public TrainingPlan.Builder plan(String label, Optimizer optimizer, BatchSource batches, long steps) {
        TrainingPlan.Builder b = TrainingPlan.builder(label, graph, optimised, store, optimizer, batches, steps)
                .loss(loss)
                .inputs(inputs)
                .export(IMAGE_ENCODER, new TrainingPlan.Export(List.of(imageInput), Map.of(EMBEDDING,
                        imageEmbedding)))
                .export(TEXT_ENCODER, new TrainingPlan.Export(List.of(textInput), Map.of(EMBEDDING, textEmbedding)));
        if (penalty != null) {
            b.metric(GUIDE_PENALTY, penalty);
        }
        return b;
    }

    /**
     * The online data stream of a plan: step {@code t} draws {@code rows} fresh pairs with
     * {@link StepRandom#of StepRandom.of(seed, stream, t)} (so it depends only on the seed, the stream and the step,
     * and a resumed run sees the batches of the uninterrupted one), feeds their {@code imageField} and
     * {@code textField} as the inputs {@code image} and {@code text} and, in the guided variant, the oracle's level
     * beliefs of those tokens as {@code guide.image} and {@code guide.text}.
     *
     * @param rows {@code batch * K} for the K-candidate objective (group-major, candidate 0 the positive pair),
     *             {@code batch} for InfoNCE
     */
    public BatchSource batches(Dataset data, long seed, long stream, int rows, String imageField, String textField) {
        return step -> {
            Batch b = data.sample(rows, StepRandom.of(seed, stream, step));
            HostTensor image = b.get(imageField);
            HostTensor text = b.get(textField);
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            feeds.put(IMAGE, image);
            feeds.put(TEXT, text);
            if (guideOracle != null) {
                feeds.put(GUIDE + IMAGE, target(guideOracle.levelBeliefs(Modality.IMAGE, image)));
                feeds.put(GUIDE + TEXT, target(guideOracle.levelBeliefs(Modality.TEXT, text)));
            }
            return feeds;
        };
    }

    /** The guide target of {@code beliefs} (float32 {@code [..., S]}): as they are, or as max-normalised logs. */
    private HostTensor target(HostTensor beliefs) {
        return guideTarget == GuideTarget.BELIEFS ? beliefs : maxNormalisedLogs(beliefs, guideOracle.states());
    }

    /**
     * {@code log(b / max b)} over each run of {@code s} values of {@code beliefs} (float32), floored at
     * {@link #LOG_MESSAGE_FLOOR}: the max-normalised log-message {@code log h_u - max log h_u}, since the beliefs
     * are {@code h_u} divided by a constant.
     */
    static HostTensor maxNormalisedLogs(HostTensor beliefs, int s) {
        java.nio.FloatBuffer in = beliefs.floats();
        HostTensor out = HostTensor.zeros(DType.FLOAT32, beliefs.shape());
        java.nio.FloatBuffer o = out.floats();
        int n = beliefs.size();
        for (int start = 0; start < n; start += s) {
            double max = 0;
            for (int k = 0; k < s; k++) {
                max = Math.max(max, in.get(start + k));
            }
            for (int k = 0; k < s; k++) {
                double v = in.get(start + k);
                o.put(start + k, (float) (v > 0 && max > 0 ? Math.max(LOG_MESSAGE_FLOOR, Math.log(v / max))
                        : LOG_MESSAGE_FLOOR));
            }
        }
        return out;
    }

    /** The graph holding the towers, the loss and the penalty. */
    public Graph graph() {
        return graph;
    }

    /** The contrastive loss (the reported loss). */
    public Value loss() {
        return loss;
    }

    /** The optimised objective: the loss, plus the penalty term in the guided variant. */
    public Value objectiveValue() {
        return optimised;
    }

    /** The guide penalty term (lambda times the mean distance), or null for the standard model. */
    public Value penaltyValue() {
        return penalty;
    }

    /** The graph inputs a step feeds, in declaration order. */
    public List<Value> inputs() {
        return List.copyOf(inputs);
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

    /** The guide penalty lambda (0: the standard model). */
    public double guidePenalty() {
        return guidePenalty;
    }

    /** Image embeddings of the image field's rows ({@code [n, T]} tokens or {@code [n, D]} values), as {@code [n][e]}. */
    public double[][] embedImages(HostTensor tokens) {
        if (embedImage == null) {
            embedImage = embedder(IMAGE, imageType, imageLength);
        }
        return embed(embedImage, IMAGE, tokens);
    }

    /** Text embeddings. */
    public double[][] embedTexts(HostTensor tokens) {
        if (embedText == null) {
            embedText = embedder(TEXT, textType, textLength);
        }
        return embed(embedText, TEXT, tokens);
    }

    /** One tower's forward pass in a graph of its own; its parameters are fed from the live store on every run. */
    private Executable embedder(String tower, DType type, long length) {
        Graph g = new Graph(seed);
        Value x = g.input(tower, type, Shape.DYNAMIC, length);
        Value f = (tower.equals(TEXT) ? textEncoder : encoder).withName(tower).forward(g, x);
        List<Value> in = new ArrayList<>(g.parameters());
        in.add(x);
        return executor.compile(g, in, Map.of(EMBEDDING, f));
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
            double[] e = exec.run(f).get(EMBEDDING).toDoubleArray();
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
        if (embedImage != null) {
            embedImage.close();
        }
        if (embedText != null) {
            embedText.close();
        }
    }
}
