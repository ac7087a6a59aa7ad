package io.suffice.api.data;

import io.suffice.api.tensor.HostTensor;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A batch of examples: named fields, each a tensor whose first dimension is the batch size. Field names are
 * documented by the dataset that makes them (for example {@code x}: float32 [n, d] and {@code y}: float32 [n] with
 * labels in {-1, +1}). The map is unmodifiable; the tensors are not copied.
 *
 * @param fields field name to tensor, in the dataset's order
 */
public record Batch(Map<String, HostTensor> fields) {

    public Batch {
        fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        long n = -1;
        for (Map.Entry<String, HostTensor> e : fields.entrySet()) {
            HostTensor t = e.getValue();
            if (t.shape().rank() == 0) {
                throw new IllegalArgumentException("batch field '" + e.getKey() + "' is a scalar");
            }
            if (n >= 0 && t.shape().dim(0) != n) {
                throw new IllegalArgumentException("batch field '" + e.getKey() + "' has " + t.shape().dim(0)
                        + " rows, others " + n);
            }
            n = t.shape().dim(0);
        }
    }

    /** The field, or an error naming the fields present. */
    public HostTensor get(String name) {
        HostTensor t = fields.get(name);
        if (t == null) {
            throw new IllegalArgumentException("batch has no field '" + name + "'; fields: " + fields.keySet());
        }
        return t;
    }

    /** Number of examples. */
    public int size() {
        return fields.isEmpty() ? 0 : (int) fields.values().iterator().next().shape().dim(0);
    }
}
