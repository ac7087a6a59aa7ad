package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * The state of a {@link Graph} (values, nodes, names, composites), its leaves (inputs, parameters, constants) and
 * the shape and dtype checks every op family uses. The op builders live in one file per family (elementwise,
 * reductions, shapes, linear algebra, neural-network ops), each next to its {@link Operator} definitions.
 */
abstract class GraphCore {

    public static final String GENERATED_PREFIX = "_v";

    private static final List<String> ENGINE_PACKAGES = List.of("io.suffice.api.graph.", "io.suffice.api.nn.",
            "io.suffice.runtime.engine.");

    private final long seed;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Value> values = new ArrayList<>();
    private final Map<String, Value> named = new LinkedHashMap<>();
    private final Map<Value, Node> composites = new java.util.HashMap<>();

    GraphCore(long seed) {
        this.seed = seed;
    }

    public long seed() {
        return seed;
    }

    /** All nodes in creation (hence topological) order. */
    public List<Node> nodes() {
        return Collections.unmodifiableList(nodes);
    }

    /** All values in creation order. */
    public List<Value> values() {
        return Collections.unmodifiableList(values);
    }

    /** Graph inputs in declaration order. */
    public List<Value> inputs() {
        return values.stream().filter(v -> v.kind() == Value.Kind.INPUT).toList();
    }

    /** Trainable parameters in declaration order. */
    public List<Value> parameters() {
        return values.stream().filter(v -> v.kind() == Value.Kind.PARAMETER).toList();
    }

    /** The input or parameter called {@code name}, or null. */
    public Value find(String name) {
        return named.get(name);
    }

    // ------------------------------------------------------------------ leaves

    /** A graph input fed at run time; {@link Shape#DYNAMIC} dims are symbolic. */
    public Value input(String name, DType dtype, long... dims) {
        return input(name, dtype, Shape.of(dims));
    }

    public Value input(String name, DType dtype, Shape shape) {
        checkName(name);
        Value v = new Value((Graph) this, values.size(), name, Value.Kind.INPUT, dtype, shape, null, null);
        values.add(v);
        named.put(name, v);
        return v;
    }

    /** A FLOAT32 trainable parameter initialised by {@code init}. */
    public Value parameter(String name, Shape shape, Init init) {
        return parameter(name, DType.FLOAT32, shape, init);
    }

    /**
     * A trainable parameter. Its initial value is drawn now, from a random stream that depends only on the graph seed
     * and {@code name}.
     */
    public Value parameter(String name, DType dtype, Shape shape, Init init) {
        checkName(name);
        if (!shape.isStatic()) {
            throw new GraphBuildException("parameter '" + name + "' needs a static shape, got " + shape
                    + "; created at " + site());
        }
        HostTensor t = HostTensor.zeros(dtype, shape);
        init.fill(t, new SplittableRandom(seed * 0x9E3779B97F4A7C15L ^ name.hashCode()));
        Value v = new Value((Graph) this, values.size(), name, Value.Kind.PARAMETER, dtype, shape, null, t);
        values.add(v);
        named.put(name, v);
        return v;
    }

    /** A constant holding a copy of {@code data}. */
    public Value constant(HostTensor data) {
        Value v = new Value((Graph) this, values.size(), GENERATED_PREFIX + values.size(), Value.Kind.CONSTANT,
                data.dtype(),
                data.shape(), null, data.copy());
        values.add(v);
        return v;
    }

    /** A scalar (rank 0) constant of the given float or int dtype. */
    public Value scalar(double value, DType dtype) {
        HostTensor t = HostTensor.zeros(dtype, Shape.scalar());
        switch (dtype) {
            case FLOAT32 -> t.floats().put(0, (float) value);
            case FLOAT64 -> t.doubles().put(0, value);
            case INT64 -> t.longs().put(0, (long) value);
            default -> throw new GraphBuildException("no scalar constants of " + dtype);
        }
        return constant(t);
    }

    /** A 1-D INT64 constant (axes, shapes, indices). */
    public Value longs(long... values) {
        return constant(HostTensor.of(values.clone(), values.length));
    }

    /**
     * Declares that {@code output} computes the (possibly non-ONNX) operator {@code opType} of {@code inputs}, built
     * from primitives already in the graph. Autodiff then applies the gradient rule registered for {@code opType}
     * to the composite as a whole instead of differentiating the primitives one by one.
     *
     * @return {@code output}
     */
    public Value composite(String opType, List<Value> inputs, Map<String, Object> attrs, Value output) {
        if (output.producer() == null || output.graph() != (Object) this) {
            throw new GraphBuildException("composite " + opType + " must name a node output of this graph; created at "
                    + site());
        }
        composites.put(output, new Node(opType, "", List.copyOf(inputs), List.of(output), Map.copyOf(attrs),
                output.producer().site()));
        return output;
    }

    /** The composite declared for {@code v} (a node whose inputs are the composite's inputs), or null. */
    public Node compositeOf(Value v) {
        return composites.get(v);
    }


    // ------------------------------------------------------------------ custom ops

    /**
     * Emits an arbitrary operator whose output dtype and shape the caller states (no inference). Use it for ONNX
     * operators without a dedicated builder or for custom-domain operators; register a gradient rule in the runtime to
     * differentiate through it.
     */
    public Value op(String opType, String domain, List<Value> inputs, Map<String, Object> attrs, DType outType,
                    Shape outShape) {
        for (Value v : inputs) {
            if (v != null && v.graph() != (Object) this) {
                throw fail(opType, "input from another graph", inputs.toArray(new Value[0]));
            }
        }
        return emitIn(opType, domain, inputs, attrs, List.of(outType), List.of(outShape)).get(0);
    }

    /** Multi-output variant of {@link #op}. */
    public List<Value> opMulti(String opType, String domain, List<Value> inputs, Map<String, Object> attrs,
                               List<DType> outTypes, List<Shape> outShapes) {
        return emitIn(opType, domain, inputs, attrs, outTypes, outShapes);
    }

    // ------------------------------------------------------------------ internals

    Value emit(String op, List<Value> inputs, Map<String, Object> attrs, DType type, Shape shape) {
        return emitIn(op, "", inputs, attrs, List.of(type), List.of(shape)).get(0);
    }

    List<Value> emitIn(String op, String domain, List<Value> inputs, Map<String, Object> attrs,
                               List<DType> types, List<Shape> shapes) {
        for (Value v : inputs) {
            if (v != null && v.graph() != (Object) this) {
                throw new GraphBuildException(op + ": input " + v + " belongs to another graph; created at " + site());
            }
        }
        List<Value> outs = new ArrayList<>();
        // The node is created first so its outputs can point at it; outs is filled before anyone can observe it.
        Node node = new Node(op, domain, Collections.unmodifiableList(new ArrayList<>(inputs)),
                Collections.unmodifiableList(outs), Map.copyOf(attrs), site());
        for (int i = 0; i < types.size(); i++) {
            Value v = new Value((Graph) this, values.size(), GENERATED_PREFIX + values.size(), Value.Kind.NODE,
                    types.get(i),
                    shapes.get(i), node, null);
            values.add(v);
            outs.add(v);
        }
        nodes.add(node);
        return List.copyOf(outs);
    }

    Shape broadcast(String op, Value... vs) {
        long[][] dims = new long[vs.length][];
        for (int i = 0; i < vs.length; i++) {
            dims[i] = vs[i].shape().dims();
        }
        return broadcastShape(op, dims, vs);
    }

    Shape broadcastShape(String op, long[][] dims, Value... culprits) {
        return Shape.of(broadcastDims(op, dims, culprits));
    }

    long[] broadcastDims(String op, long[][] dims, Value... culprits) {
        int r = 0;
        for (long[] d : dims) {
            r = Math.max(r, d.length);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long res = 1;
            for (long[] d : dims) {
                int j = d.length - r + i;
                if (j < 0) {
                    continue;
                }
                long v = d[j];
                if (v == 1) {
                    continue;
                }
                if (res == 1) {
                    res = v;
                } else if (res == Shape.DYNAMIC) {
                    res = v; // a concrete size pins the symbolic one
                } else if (v != Shape.DYNAMIC && v != res) {
                    throw fail(op, "shapes do not broadcast (dimension " + i + " of the result: " + res + " vs " + v
                            + ")", culprits);
                }
            }
            out[i] = res;
        }
        return out;
    }

    void requireSameType(String op, Value a, Value b) {
        if (a.dtype() != b.dtype()) {
            throw fail(op, "dtypes differ (" + a.dtype() + " vs " + b.dtype() + ")", a, b);
        }
    }

    void requireFloat(String op, Value x) {
        if (!x.isFloat()) {
            throw fail(op, "needs a FLOAT32 or FLOAT64 input", x);
        }
    }

    int normAxis(String op, long axis, int rank, Value... culprits) {
        if (axis < -rank || axis >= rank) {
            throw fail(op, "axis " + axis + " out of range for rank " + rank, culprits);
        }
        return (int) (axis < 0 ? axis + rank : axis);
    }

    void checkName(String name) {
        if (name == null || name.isEmpty() || name.startsWith(GENERATED_PREFIX)) {
            throw new GraphBuildException("bad name '" + name + "' (empty or starting with " + GENERATED_PREFIX
                    + "); created at " + site());
        }
        if (named.containsKey(name)) {
            throw new GraphBuildException("name '" + name + "' is already used by " + named.get(name)
                    + "; created at " + site());
        }
    }

    GraphBuildException fail(String op, String why, Value... inputs) {
        StringJoiner j = new StringJoiner(", ");
        for (Value v : inputs) {
            if (v != null) {
                j.add(v.toString());
            }
        }
        return new GraphBuildException(op + ": " + why + "; inputs " + j + "; created at " + site());
    }

    static long[] filled(int n, long v) {
        long[] a = new long[n];
        Arrays.fill(a, v);
        return a;
    }

    /** The first stack frame outside the engine's own packages (test classes count as user code). */
    static String site() {
        return StackWalker.getInstance().walk(frames -> frames
                .filter(f -> {
                    String c = f.getClassName();
                    boolean engine = ENGINE_PACKAGES.stream().anyMatch(c::startsWith) && !c.endsWith("Test")
                            && !c.contains("Test$");
                    return !engine && !c.startsWith("java.");
                })
                .findFirst()
                .map(f -> f.getClassName() + "." + f.getMethodName() + "(" + f.getFileName() + ":"
                        + f.getLineNumber() + ")")
                .orElse("<unknown>"));
    }

    /** The ONNX TensorProto.DataType code of a dtype. */
    public static int onnxType(DType t) {
        return switch (t) {
            case FLOAT32 -> 1;
            case INT32 -> 6;
            case INT64 -> 7;
            case BOOL -> 9;
            case FLOAT64 -> 11;
        };
    }
}
