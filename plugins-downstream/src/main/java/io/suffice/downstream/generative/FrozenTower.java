package io.suffice.downstream.generative;

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
 * One frozen tower of a contrastively trained pair (contrastive-jghm.md sec. 4): the encoder architecture with
 * parameter prefix {@code tower} ({@code image} or {@code text}, as the clip task names them), its parameters copied
 * from trained values, compiled once as an inference function {@code tokens [n, T] -> embedding [n, e]}. Generative
 * models read its output as data, so no gradient ever reaches it. Not thread-safe; close it to release the session.
 */
public final class FrozenTower implements AutoCloseable {
    private static final String INPUT = "tokens";

    private final String tower;
    private final ParameterStore store;
    private final Executable embed;
    private final int embedding;
    private final Map<String, HostTensor> feeds = new LinkedHashMap<>();

    /**
     * @param encoder    the architecture of both towers (renamed to {@code tower})
     * @param tower      the tower's parameter prefix
     * @param length     tokens per sequence T
     * @param parameters trained values by parameter name (at least every {@code <tower>.*} parameter; others ignored)
     */
    public FrozenTower(Encoder encoder, String tower, long length, Map<String, HostTensor> parameters,
                       Executor executor) {
        this(encoder, tower, length, parameters, "the trained parameters", executor);
    }

    /**
     * @param source where {@code parameters} come from (a checkpoint's path), named when they do not fit the
     *               configured encoder: {@code "<source> does not match the configured text tower: parameter ..."}
     */
    public FrozenTower(Encoder encoder, String tower, long length, Map<String, HostTensor> parameters,
                       String source, Executor executor) {
        this.tower = tower;
        Graph g = new Graph(0);
        Value x = g.input(INPUT, DType.INT64, Shape.DYNAMIC, length);
        Value f = encoder.withName(tower).forward(g, x);
        if (f.rank() != 2) {
            throw new IllegalArgumentException("frozen tower must output [n, e], got " + f.shape());
        }
        this.embedding = (int) f.shape().dim(1);
        this.store = ParameterStore.of(g);
        ParameterMatch.require(source, tower + " tower (encoder section)", store.asMap(), parameters, true);
        Map<String, HostTensor> mine = new LinkedHashMap<>();
        for (String n : store.names()) {
            mine.put(n, parameters.get(n));
        }
        store.load(mine);
        List<Value> inputs = new ArrayList<>(g.parameters());
        inputs.add(x);
        this.embed = executor.compile(g, inputs, Map.of("embedding", f));
    }

    public String tower() {
        return tower;
    }

    /** Copies of the tower's parameter values by name (what a generative checkpoint stores as frozen). */
    public Map<String, HostTensor> parameters() {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        store.asMap().forEach((k, v) -> m.put(k, v.copy()));
        return m;
    }

    /** Embedding size e. */
    public int embedding() {
        return embedding;
    }

    /** The embeddings of int64 tokens {@code [n, T]}: float32 {@code [n, e]}, a fresh copy. */
    public HostTensor embed(HostTensor tokens) {
        feeds.clear();
        feeds.putAll(store.asMap());
        feeds.put(INPUT, tokens);
        return embed.run(feeds).get("embedding").copy();
    }

    @Override
    public void close() {
        embed.close();
    }
}
