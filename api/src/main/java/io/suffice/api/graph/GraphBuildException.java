package io.suffice.api.graph;

/**
 * Raised while a graph is being built when an operator's inputs do not fit together (shapes, dtypes, attributes).
 * The message names the operator, its inputs with their shapes, and the place in user code where the operator was
 * created, so that mistakes surface at build time rather than deep inside ONNX Runtime.
 */
public class GraphBuildException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public GraphBuildException(String message) {
        super(message);
    }
}
