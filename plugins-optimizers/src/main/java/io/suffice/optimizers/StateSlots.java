package io.suffice.optimizers;

import io.suffice.api.tensor.HostTensor;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Per-parameter optimizer state (velocities, moments): one double array per slot name and parameter index, created
 * as zeros on first use, checkpointed under the key {@code <slot>.<index>} as a flat float64 tensor.
 */
final class StateSlots {
    private final Set<String> slots;
    private final Map<String, double[]> arrays = new TreeMap<>();

    StateSlots(String... slots) {
        this.slots = Set.of(slots);
    }

    /** The array of {@code slot} for parameter {@code index} with {@code size} elements. */
    double[] get(String slot, int index, int size) {
        double[] a = arrays.computeIfAbsent(slot + "." + index, k -> new double[size]);
        if (a.length != size) {
            throw new IllegalStateException("optimizer state " + slot + "." + index + " has " + a.length
                    + " elements but parameter " + index + " has " + size);
        }
        return a;
    }

    /** Copies of all arrays as float64 tensors. */
    Map<String, HostTensor> export() {
        Map<String, HostTensor> out = new TreeMap<>();
        arrays.forEach((k, v) -> out.put(k, HostTensor.of(v.clone(), v.length)));
        return out;
    }

    /** Replaces the state by the entries of {@code state}, skipping {@code otherKeys} (the caller reads those). */
    void restore(Map<String, HostTensor> state, Set<String> otherKeys) {
        arrays.clear();
        for (Map.Entry<String, HostTensor> e : state.entrySet()) {
            String key = e.getKey();
            if (otherKeys.contains(key)) {
                continue;
            }
            int dot = key.lastIndexOf('.');
            if (dot < 0 || !slots.contains(key.substring(0, dot)) || !key.substring(dot + 1).matches("\\d+")) {
                throw new IllegalArgumentException("unknown optimizer state '" + key + "'; expected "
                        + slots + ".<index> or " + otherKeys);
            }
            arrays.put(key, e.getValue().toDoubleArray());
        }
    }
}
