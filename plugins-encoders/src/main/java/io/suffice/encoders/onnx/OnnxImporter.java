package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Converts an ONNX graph into a suffice {@link Graph} so that it can be fine-tuned: initializers become trainable
 * parameters (or constants, for a frozen import), nodes become the same ONNX operators built through the graph
 * builder (which infers shapes and checks them), and the requested outputs are returned as values. Only operators
 * listed in {@link #SUPPORTED} are converted; each of them has a gradient rule in the runtime's standard
 * {@code GradientRegistry} (a test checks this) or has no float gradient to propagate (comparisons, constants).
 * {@code Conv} is imported when it is a patch embedding ({@link PatchConv}, as in ViT and CLIP image towers).
 * Operators without import or gradient rules ({@code Conv} with padding or overlapping windows, ...) are refused before anything is added to the graph,
 * with an error naming each of them. Shape operands of {@code Reshape}, {@code Slice}, {@code Unsqueeze},
 * {@code Expand} etc. must be constants after {@link ShapeFolding}, which folds the integer shape arithmetic of
 * exporters; {@code Shape} itself folds only for static shapes, so a PyTorch export with a dynamic batch imports when
 * it is fed inputs of a fixed batch size.
 * <p>
 * Stateless; the graph being built is not thread-safe.
 */
public final class OnnxImporter {

    /** Operators the importer converts. */
    public static final Set<String> SUPPORTED = Set.copyOf(new TreeSet<>(List.of(
            "Abs", "Add", "Cast", "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "Div", "Expand", "Dropout", "Equal", "Erf", "Exp", "Flatten",
            "Gather", "Gemm", "Greater", "Identity", "LayerNormalization", "LeakyRelu", "Less", "Log", "LogSoftmax",
            "MatMul", "Max", "Min", "Mul", "Neg", "Pow", "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceSum",
            "Relu", "Reshape", "Shape", "Sigmoid", "Slice", "Softmax", "Softplus", "Sqrt", "Squeeze", "Sub", "Tanh",
            "Transpose", "Unsqueeze", "Where")));

    /**
     * Supported operators that need no gradient rule of their own: they carry no float gradient (comparisons,
     * constants, shapes) or are rebuilt from other operators ({@code Conv} by {@link PatchConv}, {@code Flatten} as
     * {@code Reshape}, {@code Dropout} as {@code Identity}).
     */
    public static final Set<String> NO_RULE_NEEDED = Set.of("Constant", "Equal", "Greater", "Less", "Dropout",
            "Flatten", "Shape", "ConstantOfShape", "Conv");

    private OnnxImporter() {
    }

    /**
     * The operators of {@code model} the importer cannot convert, each with its node count and first node name,
     * e.g. {@code Conv (1 node: /patch/Conv)}; empty when the model can be imported.
     */
    public static List<String> unsupported(OnnxMl.ModelProto model) {
        Map<String, List<String>> bad = new TreeMap<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            boolean foreign = !n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx");
            String why = n.getOpType().equals("Conv") ? PatchConv.whyNot(n) : null;
            if (foreign || !SUPPORTED.contains(n.getOpType()) || why != null) {
                String op = foreign ? n.getDomain() + "." + n.getOpType()
                        : why != null ? n.getOpType() + " [" + why + "]" : n.getOpType();
                bad.computeIfAbsent(op, k -> new ArrayList<>()).add(n.getName().isEmpty() ? "(unnamed)" : n.getName());
            }
        }
        List<String> out = new ArrayList<>();
        bad.forEach((op, nodes) -> out.add(op + " (" + nodes.size() + (nodes.size() == 1 ? " node: " : " nodes, e.g. ")
                + nodes.get(0) + ")"));
        return out;
    }

    /**
     * Adds {@code model}'s graph to {@code graph}.
     *
     * @param inputs    values for the model's graph inputs (not initializers), by input name; dtype and rank must
     *                  match the declaration
     * @param prefix    prepended to initializer names to name parameters, e.g. {@code "image."}
     * @param trainable initializers of float type become parameters (true) or constants (false)
     * @param outputs   names of the model values to return (graph outputs or any intermediate)
     * @return the requested values by name
     * @throws IllegalArgumentException naming unsupported operators, missing inputs or constant-only operands
     */
    public static Map<String, Value> importInto(Graph graph, OnnxMl.ModelProto model, Map<String, Value> inputs,
                                                String prefix, boolean trainable, List<String> outputs) {
        OnnxMl.GraphProto gp = model.getGraph();
        String label = "ONNX graph '" + gp.getName() + "'";
        List<String> bad = unsupported(model);
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("cannot import " + label + " into a trainable suffice graph: "
                    + "no import or gradient rule for " + String.join(", ", bad) + "; supported operators: "
                    + new TreeSet<>(SUPPORTED));
        }
        long opset = -1;
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < 13) {
            throw new IllegalArgumentException("cannot import " + label + ": opset " + opset
                    + " is older than 13, the oldest whose operator signatures the importer follows");
        }
        Map<String, Value> env = new HashMap<>();
        Set<String> initNames = new HashSet<>();
        for (OnnxMl.TensorProto t : gp.getInitializerList()) {
            initNames.add(t.getName());
            HostTensor data = tensor(t, label);
            boolean isFloat = data.dtype() == DType.FLOAT32 || data.dtype() == DType.FLOAT64;
            Value v = trainable && isFloat
                    ? graph.parameter(prefix + t.getName(), data.dtype(), data.shape(), copyOf(data))
                    : graph.constant(data);
            env.put(t.getName(), v);
        }
        for (OnnxMl.ValueInfoProto in : gp.getInputList()) {
            if (initNames.contains(in.getName())) {
                continue;
            }
            Value v = inputs.get(in.getName());
            if (v == null) {
                throw new IllegalArgumentException(label + " input '" + in.getName() + "' is not fed; given "
                        + inputs.keySet());
            }
            OnnxMl.TypeProto.Tensor tt = in.getType().getTensorType();
            DType want = OnnxModelInspector.dtype(tt.getElemType());
            if (want != v.dtype()) {
                throw new IllegalArgumentException(label + " input '" + in.getName() + "' is "
                        + OnnxModelInspector.elemTypeName(tt.getElemType()) + " but was fed " + v);
            }
            if (tt.hasShape() && tt.getShape().getDimCount() != v.rank()) {
                throw new IllegalArgumentException(label + " input '" + in.getName() + "' has rank "
                        + tt.getShape().getDimCount() + " but was fed " + v);
            }
            env.put(in.getName(), v);
        }
        for (String k : inputs.keySet()) {
            if (!env.containsKey(k) || initNames.contains(k)) {
                throw new IllegalArgumentException(label + " has no input '" + k + "'");
            }
        }
        for (OnnxMl.NodeProto n : gp.getNodeList()) {
            List<Value> ins = new ArrayList<>();
            for (String s : n.getInputList()) {
                if (s.isEmpty()) {
                    ins.add(null);
                } else {
                    Value v = env.get(s);
                    if (v == null) {
                        throw new IllegalArgumentException(label + ": node '" + n.getName() + "' reads '" + s
                                + "', which nothing defines before it");
                    }
                    ins.add(v);
                }
            }
            if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
                throw new IllegalArgumentException("cannot import node '" + n.getName() + "' (" + n.getOpType()
                        + ") of " + label + ": it has no output");
            }
            Value out;
            try {
                out = ShapeFolding.tryFold(graph, n, ins);
                if (out == null) {
                    out = convert(graph, n, ins, opset);
                }
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("cannot import node '" + n.getName() + "' (" + n.getOpType()
                        + ") of " + label + ": " + e.getMessage(), e);
            } catch (IndexOutOfBoundsException | NullPointerException e) {
                // the converters read the inputs the operator requires; a malformed node lacks one (or leaves it "")
                throw new IllegalArgumentException("cannot import node '" + n.getName() + "' (" + n.getOpType()
                        + ") of " + label + ": it lacks an input the operator requires (it has " + ins.size()
                        + ", " + ins.stream().filter(java.util.Objects::isNull).count() + " of them empty)", e);
            }
            env.put(n.getOutput(0), out);
        }
        Map<String, Value> result = new LinkedHashMap<>();
        for (String o : outputs) {
            Value v = env.get(o);
            if (v == null) {
                throw new IllegalArgumentException(label + " has no value named '" + o + "'");
            }
            result.put(o, v);
        }
        return result;
    }

    private static Init copyOf(HostTensor data) {
        double[] d = data.toDoubleArray();
        return Init.values(d);
    }

    private static Value convert(Graph g, OnnxMl.NodeProto n, List<Value> in, long opset) {
        for (int k = 1; k < n.getOutputCount(); k++) {
            if (!n.getOutput(k).isEmpty() && !(n.getOpType().equals("Dropout")
                    || n.getOpType().equals("LayerNormalization"))) {
                throw new IllegalArgumentException("only single-output nodes are supported");
            }
        }
        Value x = in.isEmpty() ? null : in.get(0);
        return switch (n.getOpType()) {
            case "Add" -> g.add(x, in.get(1));
            case "Sub" -> g.sub(x, in.get(1));
            case "Mul" -> g.mul(x, in.get(1));
            case "Div" -> g.div(x, in.get(1));
            case "Pow" -> g.pow(x, in.get(1).dtype() == x.dtype() ? in.get(1) : g.cast(in.get(1), x.dtype()));
            case "Max", "Min" -> {
                Value acc = x;
                for (int i = 1; i < in.size(); i++) {
                    acc = n.getOpType().equals("Max") ? g.max(acc, in.get(i)) : g.min(acc, in.get(i));
                }
                yield acc;
            }
            case "Neg" -> g.neg(x);
            case "Exp" -> g.exp(x);
            case "Log" -> g.log(x);
            case "Sqrt" -> g.sqrt(x);
            case "Tanh" -> g.tanh(x);
            case "Sigmoid" -> g.sigmoid(x);
            case "Relu" -> g.relu(x);
            case "Erf" -> g.erf(x);
            case "Abs" -> g.abs(x);
            case "Softplus" -> g.softplus(x);
            case "Identity", "Dropout" -> g.identity(x);
            case "LeakyRelu" -> g.leakyRelu(x, attrF(n, "alpha", 0.01));
            case "Softmax" -> g.softmax(x, (int) attrI(n, "axis", -1));
            case "LogSoftmax" -> g.logSoftmax(x, (int) attrI(n, "axis", -1));
            case "MatMul" -> g.matMul(x, in.get(1));
            case "Gemm" -> g.gemm(x, in.get(1), in.size() > 2 ? in.get(2) : null, attrF(n, "alpha", 1),
                    attrF(n, "beta", 1), attrI(n, "transA", 0) != 0, attrI(n, "transB", 0) != 0);
            case "Transpose" -> g.transpose(x, attrInts(n, "perm", new long[0]));
            case "Reshape" -> g.reshape(x, constInts(in.get(1), "shape"));
            case "Flatten" -> {
                long axis = attrI(n, "axis", 1);
                if (axis != 1) {
                    throw new IllegalArgumentException("Flatten is supported with axis 1 only, got " + axis);
                }
                yield g.reshape(x, 0, -1);
            }
            case "Unsqueeze" -> g.unsqueeze(x, in.size() > 1 ? constInts(in.get(1), "axes")
                    : attrInts(n, "axes", new long[0]));
            case "Squeeze" -> {
                long[] axes = in.size() > 1 && in.get(1) != null ? constInts(in.get(1), "axes")
                        : attrInts(n, "axes", null);
                if (axes == null) {
                    List<Long> ones = new ArrayList<>();
                    for (int i = 0; i < x.rank(); i++) {
                        if (x.shape().dim(i) == 1) {
                            ones.add((long) i);
                        }
                    }
                    axes = ones.stream().mapToLong(Long::longValue).toArray();
                }
                yield g.squeeze(x, axes);
            }
            case "ReduceMean", "ReduceSum", "ReduceMax", "ReduceLogSumExp" -> {
                long[] axes = in.size() > 1 && in.get(1) != null ? constInts(in.get(1), "axes")
                        : attrInts(n, "axes", new long[0]);
                boolean keep = attrI(n, "keepdims", 1) != 0;
                if (axes.length == 0 && attrI(n, "noop_with_empty_axes", 0) != 0) {
                    yield g.identity(x);
                }
                yield switch (n.getOpType()) {
                    case "ReduceMean" -> g.reduceMean(x, keep, axes);
                    case "ReduceSum" -> g.reduceSum(x, keep, axes);
                    case "ReduceMax" -> g.reduceMax(x, keep, axes);
                    default -> g.reduceLogSumExp(x, keep, axes);
                };
            }
            case "Concat" -> g.concat((int) attrI(n, "axis", 0), in.toArray(new Value[0]));
            case "Gather" -> g.gather(x, in.get(1), (int) attrI(n, "axis", 0));
            case "Slice" -> {
                long[] starts = constInts(in.get(1), "starts");
                long[] ends = constInts(in.get(2), "ends");
                long[] axes = in.size() > 3 && in.get(3) != null ? constInts(in.get(3), "axes") : range(starts.length);
                long[] steps = in.size() > 4 && in.get(4) != null ? constInts(in.get(4), "steps") : null;
                yield g.slice(x, starts, ends, axes, steps);
            }
            case "Cast" -> {
                DType to = OnnxModelInspector.dtype((int) attrI(n, "to", 0));
                if (to == null) {
                    throw new IllegalArgumentException("Cast to element type "
                            + OnnxModelInspector.elemTypeName((int) attrI(n, "to", 0)) + " is not supported");
                }
                yield to == x.dtype() ? g.identity(x) : g.cast(x, to);
            }
            case "Where" -> g.where(x, in.get(1), in.get(2));
            case "Equal" -> g.equal(x, in.get(1));
            case "Greater" -> g.greater(x, in.get(1));
            case "Less" -> g.less(x, in.get(1));
            case "LayerNormalization" -> {
                for (int k = 1; k < n.getOutputCount(); k++) {
                    if (!n.getOutput(k).isEmpty()) {
                        throw new IllegalArgumentException("LayerNormalization mean/inv-std outputs are not supported");
                    }
                }
                yield g.layerNormalization(x, in.get(1), in.size() > 2 ? in.get(2) : null,
                        (int) attrI(n, "axis", -1), attrF(n, "epsilon", 1e-5));
            }
            case "Clip" -> {
                double lo = in.size() > 1 && in.get(1) != null ? constDouble(in.get(1), "min") : -Double.MAX_VALUE;
                double hi = in.size() > 2 && in.get(2) != null ? constDouble(in.get(2), "max") : Double.MAX_VALUE;
                if (x.dtype() == DType.FLOAT32) {
                    lo = Math.max(lo, -Float.MAX_VALUE);
                    hi = Math.min(hi, Float.MAX_VALUE);
                }
                yield g.clip(x, lo, hi);
            }
            case "Constant" -> g.constant(constantValue(n));
            case "Conv" -> PatchConv.build(g, n, x, in.get(1), in.size() > 2 ? in.get(2) : null);
            case "Expand" -> {
                long[] shape = constInts(in.get(1), "shape");
                int r = Math.max(x.rank(), shape.length);
                long[] out = new long[r];
                for (int i = 0; i < r; i++) {
                    int xi = i - (r - x.rank());
                    int si = i - (r - shape.length);
                    long a = xi >= 0 ? x.shape().dim(xi) : 1;
                    long b = si >= 0 ? shape[si] : 1;
                    out[i] = a == 1 ? b : a;
                    if (a != 1 && b != 1 && a != b) {
                        throw new IllegalArgumentException("cannot expand " + x + " to " + Arrays.toString(shape));
                    }
                }
                if (!Shape.of(out).isStatic()) {
                    throw new IllegalArgumentException("Expand to a symbolic shape is not supported");
                }
                yield g.expandLike(x, g.constant(HostTensor.zeros(DType.BOOL, Shape.of(out))));
            }
            case "ConstantOfShape" -> throw new IllegalArgumentException("its shape operand is computed at run time; "
                    + "import with static input shapes");
            default -> throw new IllegalArgumentException("no import rule for " + n.getOpType());
        };
    }

    private static long[] range(int n) {
        long[] r = new long[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    /** The integer data of a constant operand (shapes, axes, slice bounds). */
    private static long[] constInts(Value v, String what) {
        if (v.kind() != Value.Kind.CONSTANT) {
            throw new IllegalArgumentException("its " + what + " operand " + v + " is computed at run time; the "
                    + "importer needs it to be a constant");
        }
        HostTensor t = v.data();
        return switch (t.dtype()) {
            case INT64 -> {
                long[] a = new long[t.size()];
                t.longs().get(a);
                yield a;
            }
            case INT32 -> {
                long[] a = new long[t.size()];
                var b = t.buffer().asIntBuffer();
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get(i);
                }
                yield a;
            }
            default -> throw new IllegalArgumentException("its " + what + " operand is " + t.dtype()
                    + ", not an integer tensor");
        };
    }

    private static double constDouble(Value v, String what) {
        if (v.kind() != Value.Kind.CONSTANT || v.data().size() != 1) {
            throw new IllegalArgumentException("its " + what + " operand must be a constant scalar, got " + v);
        }
        return v.data().toDoubleArray()[0];
    }

    private static HostTensor constantValue(OnnxMl.NodeProto n) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            switch (a.getName()) {
                case "value":
                    return tensor(a.getT(), "Constant node '" + n.getName() + "'");
                case "value_float":
                    return HostTensor.of(new float[]{a.getF()});
                case "value_floats": {
                    float[] f = new float[a.getFloatsCount()];
                    for (int i = 0; i < f.length; i++) {
                        f[i] = a.getFloats(i);
                    }
                    return HostTensor.of(f, f.length);
                }
                case "value_int":
                    return scalarLong(a.getI());
                case "value_ints": {
                    long[] l = a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                    return HostTensor.of(l, l.length);
                }
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("Constant node '" + n.getName() + "' has no supported value attribute");
    }

    private static HostTensor scalarLong(long v) {
        HostTensor t = HostTensor.zeros(DType.INT64, Shape.scalar());
        t.longs().put(0, v);
        return t;
    }

    private static long attrI(OnnxMl.NodeProto n, String name, long dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getI();
            }
        }
        return dflt;
    }

    private static double attrF(OnnxMl.NodeProto n, String name, double dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getF();
            }
        }
        return dflt;
    }

    private static long[] attrInts(OnnxMl.NodeProto n, String name, long[] dflt) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            if (a.getName().equals(name)) {
                return a.getIntsList().stream().mapToLong(Long::longValue).toArray();
            }
        }
        return dflt;
    }

    /**
     * Decodes a tensor stored inline (raw little-endian bytes or the typed repeated fields).
     *
     * @throws IllegalArgumentException for external data or element types suffice has no dtype for
     */
    static HostTensor tensor(OnnxMl.TensorProto t, String where) {
        if (t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName()
                    + "' keeps its data in an external file, which the importer does not read");
        }
        DType dtype = OnnxModelInspector.dtype(t.getDataType());
        if (dtype == null) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has element type "
                    + OnnxModelInspector.elemTypeName(t.getDataType()) + ", which suffice cannot hold");
        }
        long[] dims = t.getDimsList().stream().mapToLong(Long::longValue).toArray();
        // every element takes at least a byte of the file, so a shape larger than the tensor's bytes is a defect
        // of the file (checked before allocating: the dims may multiply past memory or past a long)
        if (java.util.Arrays.stream(dims).anyMatch(d -> d < 0)) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has a negative dimension "
                    + java.util.Arrays.toString(dims));
        }
        long product = 1; // of the non-zero dims, saturated: a zero dim does not save an overflowing product
        for (long d : dims) {
            product = d == 0 ? product : product > Long.MAX_VALUE / d ? Long.MAX_VALUE : product * d;
        }
        if (product == Long.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has dimensions "
                    + java.util.Arrays.toString(dims) + " whose product exceeds 64 bits");
        }
        long count = java.util.Arrays.stream(dims).anyMatch(d -> d == 0) ? 0 : product;
        if (count > t.getSerializedSize()) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has shape "
                    + java.util.Arrays.toString(dims) + " but only " + t.getSerializedSize() + " bytes in the file");
        }
        Shape shape = Shape.of(dims);
        HostTensor h = HostTensor.zeros(dtype, shape);
        int n = h.size();
        if (!t.getRawData().isEmpty()) {
            ByteBuffer raw = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
            if (raw.remaining() != n * dtype.bytes()) {
                throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has " + raw.remaining()
                        + " bytes of data for shape " + shape + " of " + dtype);
            }
            ByteBuffer dst = h.buffer();
            switch (dtype) {
                case FLOAT32 -> { for (int i = 0; i < n; i++) { dst.putFloat(i * 4, raw.getFloat(i * 4)); } }
                case FLOAT64 -> { for (int i = 0; i < n; i++) { dst.putDouble(i * 8, raw.getDouble(i * 8)); } }
                case INT64 -> { for (int i = 0; i < n; i++) { dst.putLong(i * 8, raw.getLong(i * 8)); } }
                case INT32 -> { for (int i = 0; i < n; i++) { dst.putInt(i * 4, raw.getInt(i * 4)); } }
                case BOOL -> { for (int i = 0; i < n; i++) { dst.put(i, raw.get(i)); } }
                default -> throw new IllegalStateException();
            }
            return h;
        }
        int have = switch (dtype) {
            case FLOAT32 -> t.getFloatDataCount();
            case FLOAT64 -> t.getDoubleDataCount();
            case INT64 -> t.getInt64DataCount();
            case INT32, BOOL -> t.getInt32DataCount();
        };
        if (have != n) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has " + have
                    + " values for shape " + shape);
        }
        ByteBuffer dst = h.buffer();
        for (int i = 0; i < n; i++) {
            switch (dtype) {
                case FLOAT32 -> dst.putFloat(i * 4, t.getFloatData(i));
                case FLOAT64 -> dst.putDouble(i * 8, t.getDoubleData(i));
                case INT64 -> dst.putLong(i * 8, t.getInt64Data(i));
                case INT32 -> dst.putInt(i * 4, t.getInt32Data(i));
                case BOOL -> dst.put(i, (byte) t.getInt32Data(i));
            }
        }
        return h;
    }
}
