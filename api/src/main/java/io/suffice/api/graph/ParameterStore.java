package io.suffice.api.graph;

import io.suffice.api.tensor.HostTensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The trainable parameters of a model, by name, each in its own direct native-order buffer. The runtime hands these
 * buffers to ONNX Runtime without copying, and optimizers update them in place, so a training step reads whatever the
 * last update wrote. Order is the graph's declaration order and never changes.
 * <p>
 * Not thread-safe: one training run owns a store.
 */
public final class ParameterStore {
    private final Map<String, HostTensor> tensors;

    private ParameterStore(Map<String, HostTensor> tensors) {
        this.tensors = tensors;
    }

    /** A store holding copies of the initial values of every parameter of {@code graph}. */
    public static ParameterStore of(Graph graph) {
        Map<String, HostTensor> m = new LinkedHashMap<>();
        for (Value p : graph.parameters()) {
            m.put(p.name(), p.data().copy());
        }
        return new ParameterStore(m);
    }

    /** Parameter names in declaration order. */
    public List<String> names() {
        return List.copyOf(tensors.keySet());
    }

    /** The live tensor of parameter {@code name} (mutations are visible to the next step). */
    public HostTensor get(String name) {
        HostTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("no parameter '" + name + "'; have " + tensors.keySet());
        }
        return t;
    }

    /** The live tensors, in {@link #names()} order. */
    public List<HostTensor> tensors() {
        return Collections.unmodifiableList(new ArrayList<>(tensors.values()));
    }

    /** A read-only name-to-tensor view (the tensors themselves are live). */
    public Map<String, HostTensor> asMap() {
        return Collections.unmodifiableMap(tensors);
    }

    public int size() {
        return tensors.size();
    }

    /** Total number of scalar parameters. */
    public long count() {
        return tensors.values().stream().mapToLong(HostTensor::size).sum();
    }

    /** Overwrites every parameter with the same-named tensor of {@code values} (checkpoint restore). */
    public void load(Map<String, HostTensor> values) {
        for (var e : tensors.entrySet()) {
            HostTensor src = values.get(e.getKey());
            HostTensor dst = e.getValue();
            if (src == null) {
                throw new IllegalArgumentException("missing parameter '" + e.getKey() + "' (have " + values.keySet()
                        + ")");
            }
            if (src.dtype() != dst.dtype() || !src.shape().equals(dst.shape())) {
                throw new IllegalArgumentException("parameter '" + e.getKey() + "' is " + dst + " but got " + src);
            }
            dst.buffer().put(src.buffer());
        }
    }
}
