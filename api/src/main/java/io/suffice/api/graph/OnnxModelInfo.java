package io.suffice.api.graph;

import io.suffice.api.tensor.DType;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What an ONNX model file declares about itself: its graph inputs and outputs (names, element types, shapes with
 * symbolic dimensions), the operator sets it imports and its metadata. Read from the file's {@code ModelProto}
 * without running it. Immutable and thread-safe.
 *
 * @param irVersion       ONNX IR version of the file
 * @param opsets          imported operator sets, domain to version ({@code ""} is the default domain
 *                        {@code ai.onnx})
 * @param producerName    producer, e.g. {@code pytorch}; empty when absent
 * @param producerVersion producer version; empty when absent
 * @param graphName       name of the main graph
 * @param metadata        the model's {@code metadata_props}, sorted by key
 * @param inputs          graph inputs that are not initializers, in declaration order
 * @param outputs         graph outputs in declaration order
 */
public record OnnxModelInfo(long irVersion, Map<String, Long> opsets, String producerName, String producerVersion,
                            String graphName, Map<String, String> metadata, List<TensorSpec> inputs,
                            List<TensorSpec> outputs) {

    public OnnxModelInfo {
        opsets = java.util.Collections.unmodifiableMap(new TreeMap<>(opsets));
        metadata = java.util.Collections.unmodifiableMap(new TreeMap<>(metadata));
        inputs = List.copyOf(inputs);
        outputs = List.copyOf(outputs);
        Objects.requireNonNull(producerName, "producerName");
        Objects.requireNonNull(producerVersion, "producerVersion");
        Objects.requireNonNull(graphName, "graphName");
    }

    /**
     * One graph input or output.
     *
     * @param name     the tensor name
     * @param elemType the ONNX element type name, e.g. {@code FLOAT}, {@code INT64}
     * @param dtype    the matching {@link DType}, or null when suffice has none (e.g. {@code FLOAT16})
     * @param dims     one entry per dimension: a number, a symbolic name such as {@code batch}, or {@code ?} for an
     *                 unnamed unknown dimension; null when the file declares no shape at all
     */
    public record TensorSpec(String name, String elemType, DType dtype, List<String> dims) {
        public TensorSpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(elemType, "elemType");
            dims = dims == null ? null : List.copyOf(dims);
        }

        /** The rank, or -1 when the shape is unknown. */
        public int rank() {
            return dims == null ? -1 : dims.size();
        }

        /** True when dimension {@code i} is a fixed number. */
        public boolean isFixed(int i) {
            return dims != null && !dims.get(i).isEmpty() && dims.get(i).chars().allMatch(Character::isDigit);
        }

        /** For example {@code pixel_values: FLOAT[batch, 3, 224, 224]}. */
        @Override
        public String toString() {
            return name + ": " + elemType + (dims == null ? "[?]" : dims.toString());
        }
    }

    /** The default-domain ({@code ai.onnx}) opset, or -1 when the model imports none. */
    public long defaultOpset() {
        Long v = opsets.get("");
        if (v == null) {
            v = opsets.get("ai.onnx");
        }
        return v == null ? -1 : v;
    }

    /** The input called {@code name}; the error lists the real inputs. */
    public TensorSpec input(String name) {
        return find(inputs, name, "input");
    }

    /** The output called {@code name}; the error lists the real outputs. */
    public TensorSpec output(String name) {
        return find(outputs, name, "output");
    }

    public List<String> inputNames() {
        return inputs.stream().map(TensorSpec::name).toList();
    }

    public List<String> outputNames() {
        return outputs.stream().map(TensorSpec::name).toList();
    }

    private static TensorSpec find(List<TensorSpec> specs, String name, String what) {
        for (TensorSpec s : specs) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        List<String> real = new ArrayList<>();
        specs.forEach(s -> real.add(s.toString()));
        throw new IllegalArgumentException("the model has no " + what + " named '" + name + "'; its " + what
                + "s are " + real);
    }

    /** A multi-line description: opsets, producer, metadata, inputs and outputs. */
    public String describe() {
        StringBuilder sb = new StringBuilder();
        sb.append("graph ").append(graphName.isEmpty() ? "(unnamed)" : graphName)
                .append(", IR version ").append(irVersion)
                .append(", opsets ").append(opsets.isEmpty() ? "{}" : opsets.toString().replace("{=", "{ai.onnx="))
                .append('\n');
        if (!producerName.isEmpty()) {
            sb.append("producer ").append(producerName).append(' ').append(producerVersion).append('\n');
        }
        sb.append("inputs:\n");
        inputs.forEach(s -> sb.append("  ").append(s).append('\n'));
        sb.append("outputs:\n");
        outputs.forEach(s -> sb.append("  ").append(s).append('\n'));
        if (!metadata.isEmpty()) {
            sb.append("metadata:\n");
            metadata.forEach((k, v) -> sb.append("  ").append(k).append(" = ").append(v).append('\n'));
        }
        return sb.toString();
    }
}
