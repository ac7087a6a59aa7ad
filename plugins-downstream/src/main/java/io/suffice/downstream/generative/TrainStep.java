package io.suffice.downstream.generative;

import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A loss and the gradients of every parameter of its graph, compiled as one ONNX model (ARCHITECTURE.md "one training
 * step"), reading the live {@link ParameterStore} of the graph. Extra scalar outputs (e.g. a loss part reported
 * separately) can be requested. Not thread-safe; close it to release the session.
 */
public final class TrainStep implements AutoCloseable {
    private static final String GRAD = "grad:";

    private final ParameterStore store;
    private final Executable exec;
    private final List<String> paramNames;
    private final Map<String, HostTensor> feeds = new LinkedHashMap<>();
    private final List<HostTensor> grads = new ArrayList<>();
    private Map<String, HostTensor> last = Map.of();

    /**
     * @param store  the graph's parameters (live values)
     * @param inputs graph inputs fed at each step (parameters are added automatically)
     * @param loss   the scalar to differentiate, output {@code loss}
     * @param extras further outputs by name
     */
    public TrainStep(Graph g, ParameterStore store, List<Value> inputs, Value loss, Map<String, Value> extras,
                     Executor executor, Differentiator differentiator) {
        this.store = store;
        this.paramNames = store.names();
        List<Value> params = g.parameters();
        List<Value> gs = differentiator.gradients(loss, params);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        outs.putAll(extras);
        for (int i = 0; i < params.size(); i++) {
            outs.put(GRAD + params.get(i).name(), gs.get(i));
        }
        List<Value> all = new ArrayList<>(params);
        all.addAll(inputs);
        this.exec = executor.compile(g, all, outs);
    }

    /** Runs the step on {@code inputs} (by input name) and returns the loss; see {@link #gradients()}. */
    public double run(Map<String, HostTensor> inputs) {
        feeds.clear();
        feeds.putAll(store.asMap());
        feeds.putAll(inputs);
        feeds.keySet().retainAll(exec.inputNames());
        last = exec.run(feeds);
        grads.clear();
        for (String p : paramNames) {
            grads.add(last.get(GRAD + p));
        }
        return scalar("loss");
    }

    /** A scalar output of the last run. */
    public double scalar(String name) {
        return last.get(name).toDoubleArray()[0];
    }

    /** The gradients of the last run, in store order, owned by the compiled step (overwritten by the next run). */
    public List<HostTensor> gradients() {
        return List.copyOf(grads);
    }

    @Override
    public void close() {
        exec.close();
    }
}
