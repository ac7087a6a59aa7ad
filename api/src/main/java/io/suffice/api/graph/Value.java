package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

/**
 * A symbolic tensor in a {@link Graph}: a graph input, a trainable parameter, a constant, or the output of a node.
 * Carries the dtype and the shape inferred when it was built; a {@link Shape#DYNAMIC} dimension is the symbolic batch
 * dimension. Immutable; identity (not equality of fields) distinguishes values, so two values with the same shape are
 * different tensors.
 */
public final class Value {

    /** What produced a value. */
    public enum Kind {
        /** Fed by the caller at run time (batch fields). */
        INPUT,
        /** Trainable; fed from a parameter store during training, an initializer in exports. */
        PARAMETER,
        /** Fixed data known at build time; an initializer in every lowered model. */
        CONSTANT,
        /** Output of a {@link Node}. */
        NODE
    }

    private final Graph graph;
    private final int id;
    private final String name;
    private final Kind kind;
    private final DType dtype;
    private final Shape shape;
    private final Node producer;
    private final HostTensor data;

    Value(Graph graph, int id, String name, Kind kind, DType dtype, Shape shape, Node producer, HostTensor data) {
        this.graph = graph;
        this.id = id;
        this.name = name;
        this.kind = kind;
        this.dtype = dtype;
        this.shape = shape;
        this.producer = producer;
        this.data = data;
    }

    /** The graph that owns this value. */
    public Graph graph() {
        return graph;
    }

    /** Sequence number in the graph (creation order); unique within the graph. */
    public int id() {
        return id;
    }

    /** Unique name within the graph; for inputs and parameters the user's name, else generated. */
    public String name() {
        return name;
    }

    public Kind kind() {
        return kind;
    }

    public DType dtype() {
        return dtype;
    }

    public Shape shape() {
        return shape;
    }

    public int rank() {
        return shape.rank();
    }

    /** The node that computes this value, or {@code null} for inputs, parameters and constants. */
    public Node producer() {
        return producer;
    }

    /** Constant data (for {@link Kind#CONSTANT}) or the initial value (for {@link Kind#PARAMETER}); else null. */
    public HostTensor data() {
        return data;
    }

    /** True for floating-point dtypes, the only ones gradients flow through. */
    public boolean isFloat() {
        return dtype == DType.FLOAT32 || dtype == DType.FLOAT64;
    }

    /** Shorthand for {@code graph().add(this, other)}; likewise for the other arithmetic helpers. */
    public Value add(Value other) {
        return graph.add(this, other);
    }

    public Value sub(Value other) {
        return graph.sub(this, other);
    }

    public Value mul(Value other) {
        return graph.mul(this, other);
    }

    public Value div(Value other) {
        return graph.div(this, other);
    }

    public Value mul(double scalar) {
        return graph.mul(this, graph.scalar(scalar, dtype));
    }

    public Value add(double scalar) {
        return graph.add(this, graph.scalar(scalar, dtype));
    }

    public Value matMul(Value other) {
        return graph.matMul(this, other);
    }

    /** For example {@code x:FLOAT32[N, 784]}. */
    @Override
    public String toString() {
        return name + ":" + dtype + shape;
    }
}
