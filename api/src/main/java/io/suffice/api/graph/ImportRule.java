package io.suffice.api.graph;

/**
 * How one ONNX node becomes graph values: reads the node's (already converted) inputs and attributes, handles the
 * operator's opset-dependent signature (see {@link ImportedNode#operandOrAttribute}) and calls the graph builders,
 * which infer and check shapes. Throws {@link IllegalArgumentException} with the reason when the node's form is not
 * supported. Stateless.
 */
@FunctionalInterface
public interface ImportRule {

    /** The node's first output, built in {@code g}. */
    Value build(Graph g, ImportedNode node);
}
