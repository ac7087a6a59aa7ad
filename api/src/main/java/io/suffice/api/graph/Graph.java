package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;

/**
 * A symbolic computation graph, built once in Java and then lowered to ONNX by the runtime. Values are created by
 * {@link #input}, {@link #parameter}, {@link #constant} and by the op builders, which are named after the ONNX
 * operators they emit ({@link #matMul} emits {@code MatMul}, and so on) and follow ONNX semantics (numpy-style
 * broadcasting, negative axes counting from the end).
 * <p>
 * Every op infers its output shape and dtype when it is called; inputs that do not fit raise a
 * {@link GraphBuildException} naming the op, the inputs with their shapes and the line of user code that created the
 * op. A {@link Shape#DYNAMIC} dimension is symbolic (the batch dimension); all symbolic dimensions of a graph are
 * treated as the same size {@code N} for broadcasting purposes.
 * <p>
 * Graphs are append-only: autodiff adds the backward pass to the same graph, and lowering keeps only the nodes that
 * the requested outputs need. Not thread-safe: build a graph from one thread, after which it may be shared read-only.
 * <p>
 * The builders live in one file per op family, each beside the {@link Operator} definitions of its operators (ONNX
 * import rule, gradient rule): {@code GraphCore} (state, leaves, checks), {@code ElementwiseOps}, {@code ReductionOps},
 * {@code ShapeOps} (including shapes computed at run time), {@code LinearOps} and {@code NnOps}; {@code Graph}
 * inherits them all, so callers see one type. {@link OperatorTable#standard()} collects the definitions.
 *
 * <pre>{@code
 * Graph g = new Graph(42);
 * Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 2);
 * Value w = g.parameter("w", Shape.of(2, 8), Init.normal(0.5));
 * Value h = g.tanh(g.matMul(x, w));
 * }</pre>
 */
public final class Graph extends NnOps {

    /** A graph whose parameter initialisers draw from random streams derived from {@code seed}. */
    public Graph(long seed) {
        super(seed);
    }
}
