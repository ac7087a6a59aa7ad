package io.suffice.downstream.clip;

import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
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
 */
public final class ClipModel implements AutoCloseable {
    public static final String IMAGE = "image";
    public static final String TEXT = "text";
    private static final String GRAD = "grad:";
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

    /**
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
        this.objective = ContrastiveObjective.check(objective);
        Encoder im = encoder.withName(IMAGE);
        Encoder tx = encoder.withName(TEXT);
        Graph g = new Graph(seed);
        Value xi = g.input(IMAGE, tokenType, Shape.DYNAMIC, imageLength);
        Value xt = g.input(TEXT, tokenType, Shape.DYNAMIC, textLength);
        Value fi = im.forward(g, xi);
        Value ft = tx.forward(g, xt);
        this.embedding = (int) fi.shape().dim(1);
        Value loss = this.objective.equals(ContrastiveObjective.K_CANDIDATE)
                ? ContrastiveObjective.kCandidate(g, fi, ft, k)
                : ContrastiveObjective.infoNce(g, fi, ft, ContrastiveObjective.logitScale(g), batch);
        this.store = ParameterStore.of(g);
        this.paramNames = store.names();
        List<Value> params = g.parameters();
        List<Value> gs = differentiator.gradients(loss, params);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        for (int i = 0; i < params.size(); i++) {
            outs.put(GRAD + params.get(i).name(), gs.get(i));
        }
        List<Value> inputs = new ArrayList<>(params);
        inputs.add(xi);
        inputs.add(xt);
        this.train = executor.compile(g, inputs, outs);
        this.embedImage = embedder(encoder.withName(IMAGE), seed, tokenType, imageLength, executor, IMAGE);
        this.embedText = embedder(encoder.withName(TEXT), seed, tokenType, textLength, executor, TEXT);
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
     * Loss and gradients at the current parameters; the gradients are owned by the compiled step and overwritten by
     * the next call.
     */
    public double lossAndGradients(HostTensor image, HostTensor text) {
        feeds.clear();
        feeds.putAll(store.asMap());
        feeds.put(IMAGE, image);
        feeds.put(TEXT, text);
        Map<String, HostTensor> out = train.run(feeds);
        grads.clear();
        for (String p : paramNames) {
            grads.add(out.get(GRAD + p));
        }
        return out.get("loss").toDoubleArray()[0];
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
