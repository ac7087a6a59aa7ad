package io.suffice.api.graph;

import java.util.List;
import java.util.Map;

/**
 * One operator application in a {@link Graph}, in ONNX terms: an operator type (and domain, empty for the default
 * ONNX domain), ordered inputs (a {@code null} entry is an omitted optional input), outputs and attributes.
 * Attribute values are {@code Long}, {@code Double} (lowered as ONNX float), {@code String}, {@code long[]},
 * {@code double[]} or {@link io.suffice.api.tensor.HostTensor}. Immutable.
 *
 * @param opType  ONNX operator name, e.g. {@code "MatMul"}
 * @param domain  operator domain, {@code ""} for the standard ONNX operators
 * @param inputs  input values in ONNX order; may contain nulls for omitted optional inputs
 * @param outputs output values
 * @param attrs   attributes by ONNX attribute name
 * @param site    where in user code the node was created ({@code Class.method(File:line)}), for error messages
 */
public record Node(String opType, String domain, List<Value> inputs, List<Value> outputs, Map<String, Object> attrs,
                   String site) {

    /** The single output; fails for multi-output nodes. */
    public Value output() {
        if (outputs.size() != 1) {
            throw new IllegalStateException(opType + " has " + outputs.size() + " outputs");
        }
        return outputs.get(0);
    }

    public Value input(int i) {
        return inputs.get(i);
    }

    /** An integer attribute, or {@code dflt} when absent. */
    public long attrLong(String name, long dflt) {
        Object o = attrs.get(name);
        return o == null ? dflt : (Long) o;
    }

    /** A float attribute, or {@code dflt} when absent. */
    public double attrDouble(String name, double dflt) {
        Object o = attrs.get(name);
        return o == null ? dflt : (Double) o;
    }

    /** An integer-list attribute, or null when absent. */
    public long[] attrLongs(String name) {
        Object o = attrs.get(name);
        return o == null ? null : ((long[]) o).clone();
    }

    @Override
    public String toString() {
        return opType + inputs + " -> " + outputs + " at " + site;
    }
}
