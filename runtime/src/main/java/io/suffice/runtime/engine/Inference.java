package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A forward function bound to a {@link ParameterStore}: callers feed only the batch, and the current parameter
 * values (zero-copy, so later optimizer updates are seen) are fed alongside. Use it for evaluation, probes and
 * embedding extraction during or after training. Not thread-safe; closing it closes the underlying executable.
 *
 * <pre>{@code
 * try (Inference f = Inference.compile(executor, List.of(x), Map.of("z", z), store)) {
 *     HostTensor emb = f.run(Map.of("x", batch)).get("z");
 * }
 * }</pre>
 */
public final class Inference implements AutoCloseable {
    private final Executable exec;
    private final ParameterStore store;
    private final Map<String, HostTensor> feeds = new HashMap<>();

    private Inference(Executable exec, ParameterStore store) {
        this.exec = exec;
        this.store = store;
    }

    /**
     * @param inputs  batch inputs (graph inputs) to feed
     * @param outputs values to compute by name
     * @param store   parameter values; every parameter of the graph must be in it
     */
    public static Inference compile(Executor executor, List<Value> inputs, Map<String, Value> outputs,
                                    ParameterStore store) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("no outputs");
        }
        var graph = outputs.values().iterator().next().graph();
        List<Value> all = new ArrayList<>();
        for (String name : store.names()) {
            Value p = graph.find(name);
            if (p == null || p.kind() != Value.Kind.PARAMETER) {
                throw new IllegalArgumentException("store parameter '" + name + "' is not a parameter of the graph");
            }
            all.add(p);
        }
        all.addAll(inputs);
        return new Inference(executor.compile(graph, all, outputs), store);
    }

    /**
     * Outputs by name, owned by this object and overwritten by the next run. Batch fields that are not inputs are
     * ignored; a missing input is reported by name.
     */
    public Map<String, HostTensor> run(Map<String, HostTensor> batch) {
        feeds.clear();
        feeds.putAll(store.asMap());
        for (String name : exec.inputNames()) {
            HostTensor t = batch.get(name);
            if (t != null && !store.asMap().containsKey(name)) {
                feeds.put(name, t);
            }
        }
        return exec.run(feeds);
    }

    @Override
    public void close() {
        exec.close();
    }
}
