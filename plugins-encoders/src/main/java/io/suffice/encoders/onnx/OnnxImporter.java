package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ImportedNode;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Operator;
import io.suffice.api.graph.OperatorTable;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Converts an ONNX graph into a suffice {@link Graph} so that it can be fine-tuned: initializers (and, for a
 * trainable import, float {@code Constant} nodes holding tensors) become trainable parameters, nodes become the same
 * ONNX operators built through the graph builders (which infer shapes and check them), and the requested outputs
 * are returned as values.
 * <p>
 * What is importable is not listed here: every operator is converted by the import rule of its {@link Operator}
 * definition in {@link #OPERATORS} (the graph's standard table plus the patch {@code Conv} of {@link PatchConv}),
 * which also handles its opset-dependent signature, and is differentiated by the gradient rule declared beside it.
 * {@link #problems} vets a file from those definitions alone (opset, foreign domains, operators without import rule,
 * unsupported attribute forms); {@link #importModel} vets first and then builds. Integer shape arithmetic is folded
 * by {@link ShapeFolding}; what depends on a symbolic batch or sequence size stays in the graph.
 * <p>
 * Stateless; the graph being built is not thread-safe.
 */
public final class OnnxImporter {

    /** The operators the importer converts and how: the standard table plus patch convolutions. */
    public static final OperatorTable OPERATORS = OperatorTable.standard().with(List.of(PatchConv.OPERATOR));

    /**
     * How to import.
     *
     * @param prefix    prepended to initializer names to name parameters, e.g. {@code "image."}
     * @param trainable float initializers and Constant tensors become parameters (true) or constants (false)
     * @param untie     give each use of an initializer the exporter shared between several uses its own copy
     */
    public record Options(String prefix, boolean trainable, boolean untie) {
    }

    /**
     * What an import built.
     *
     * @param outputs    the requested values by name
     * @param parameters trainable parameters created
     * @param nodes      graph nodes created
     * @param folded     ONNX nodes folded to constants at build time
     * @param shared     one line per initializer that several nodes use (weights the exporter tied)
     */
    public record Result(Map<String, Value> outputs, int parameters, int nodes, int folded, List<String> shared) {
    }

    private OnnxImporter() {
    }

    /** The model's default-domain opset, or -1 when it imports none. */
    public static long opset(OnnxMl.ModelProto model) {
        long opset = -1;
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        return opset;
    }

    /**
     * Everything in {@code model} that import refuses before building: an opset outside 7..25 and each operator
     * without an import rule or in an unsupported form, with its node count and first node name, e.g.
     * {@code Conv [only patch convolutions (stride = kernel) import] (1 node: /patch/Conv)}; empty when the file
     * passes.
     */
    public static List<String> problems(OnnxMl.ModelProto model) {
        List<String> out = new ArrayList<>();
        long opset = opset(model);
        if (opset < OpsetSupport.MIN_OPSET || opset > OpsetSupport.MAX_OPSET) {
            out.add("opset " + opset + " (supported: " + OpsetSupport.MIN_OPSET + " to " + OpsetSupport.MAX_OPSET
                    + ")");
        }
        Map<String, List<String>> bad = new TreeMap<>();
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            String why = whyNot(n, opset);
            if (why != null) {
                bad.computeIfAbsent(why, k -> new ArrayList<>()).add(n.getName().isEmpty() ? "(unnamed)" : n.getName());
            }
        }
        bad.forEach((op, nodes) -> out.add(clip(op + " (" + nodes.size()
                + (nodes.size() == 1 ? " node: " : " nodes, e.g. ") + nodes.get(0) + ")", MAX_PROBLEM)));
        return out;
    }

    /** Longest problem entry: an operator, its reason and a node name fit; a name as long as files allow does not. */
    static final int MAX_PROBLEM = 160;

    /** Problems an import error lists; the rest are counted (a damaged file can have one per node). */
    static final int LISTED_PROBLEMS = 4;

    /** {@code s} cut to {@code max} characters, saying how long it was. */
    static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max) + "... (" + s.length() + " characters)";
    }

    /** Why node {@code n} cannot be imported, as "Op" or "Op [reason]", or null. */
    private static String whyNot(OnnxMl.NodeProto n, long opset) {
        if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
            return n.getDomain() + "." + n.getOpType() + " [operator of another domain]";
        }
        Operator op = OPERATORS.get(n.getOpType());
        if (op == null || op.importRule() == null) {
            return n.getOpType() + " [no import rule]";
        }
        ImportedNode view;
        String why;
        try {
            view = new ImportedNode(n.getOpType(), n.getName(), opset, List.of(), attributes(n), usedOutputs(n), null);
            // a check reads attributes, which may hold another type than the operator defines
            why = op.check().apply(view);
        } catch (IllegalArgumentException e) {
            return n.getOpType() + " [" + e.getMessage() + "]";
        }
        if (why == null && view.outputs() > 1 && !n.getOpType().equals("Dropout")) {
            why = "uses " + view.outputs() + " outputs; only the first is supported";
        }
        return why == null ? null : n.getOpType() + " [" + why + "]";
    }

    private static int usedOutputs(OnnxMl.NodeProto n) {
        int k = 0;
        for (int i = 0; i < n.getOutputCount(); i++) {
            if (!n.getOutput(i).isEmpty()) {
                k = i + 1;
            }
        }
        return k;
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
        return importModel(graph, model, inputs, new Options(prefix, trainable, false), outputs).outputs();
    }

    /**
     * Adds {@code model}'s graph to {@code graph}; see {@link #importInto}.
     *
     * @throws IllegalArgumentException listing every problem {@link #problems} finds, or naming the node that
     *                                  failed to build, or when a trainable import would have no parameters
     */
    public static Result importModel(Graph graph, OnnxMl.ModelProto model, Map<String, Value> inputs, Options options,
                                     List<String> outputs) {
        OnnxMl.GraphProto gp = model.getGraph();
        String label = "ONNX graph '" + clip(gp.getName(), 80) + "'";
        List<String> bad = problems(model);
        if (!bad.isEmpty()) {
            String listed = String.join("; ", bad.subList(0, Math.min(bad.size(), LISTED_PROBLEMS)));
            throw new IllegalArgumentException("cannot import " + label + " into a trainable suffice graph: "
                    + listed + (bad.size() > LISTED_PROBLEMS ? "; and " + (bad.size() - LISTED_PROBLEMS)
                    + " more problems" : ""));
        }
        long opset = opset(model);
        int nodesBefore = graph.nodes().size();
        int paramsBefore = graph.parameters().size();
        Map<String, Value> env = new HashMap<>();
        Map<String, OnnxMl.TensorProto> inits = new LinkedHashMap<>();
        gp.getInitializerList().forEach(t -> inits.put(t.getName(), t));
        Map<String, List<String>> uses = uses(gp, inits.keySet());
        List<String> shared = new ArrayList<>();
        uses.forEach((name, u) -> {
            if (u.size() > 1) {
                shared.add("shared tensor '" + name + "' " + Shape.of(inits.get(name).getDimsList().stream()
                        .mapToLong(Long::longValue).toArray()) + " has " + u.size() + " uses: " + String.join(", ", u)
                        + (options.untie() ? " (untied: each use has its own copy)" : ""));
            }
        });
        for (OnnxMl.TensorProto t : inits.values()) {
            env.put(t.getName(), leaf(graph, options, options.prefix() + t.getName(), tensor(t, label)));
        }
        for (OnnxMl.ValueInfoProto in : gp.getInputList()) {
            if (inits.containsKey(in.getName())) {
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
            if (!env.containsKey(k) || inits.containsKey(k)) {
                throw new IllegalArgumentException(label + " has no input '" + k + "'");
            }
        }
        Map<Value, long[]> partial = new IdentityHashMap<>();
        Map<String, Integer> useIndex = new HashMap<>();
        Set<String> paramNames = new HashSet<>();
        graph.parameters().forEach(p -> paramNames.add(p.name()));
        int folded = 0;
        for (OnnxMl.NodeProto n : gp.getNodeList()) {
            // before the inputs: an untied Identity alias takes its output's name
            if (n.getOutputCount() == 0 || n.getOutput(0).isEmpty()) {
                throw new IllegalArgumentException("cannot import node '" + n.getName() + "' (" + n.getOpType()
                        + ") of " + label + ": it has no output");
            }
            List<Value> ins = new ArrayList<>();
            for (String s : n.getInputList()) {
                if (s.isEmpty()) {
                    ins.add(null);
                    continue;
                }
                Value v = env.get(s);
                if (v == null) {
                    throw new IllegalArgumentException(label + ": node '" + n.getName() + "' reads '" + s
                            + "', which nothing defines before it");
                }
                if (options.untie() && options.trainable() && uses.getOrDefault(s, List.of()).size() > 1
                        && v.kind() == Value.Kind.PARAMETER) {
                    // an Identity alias (how PyTorch's exporter writes a merged parameter) becomes the parameter it
                    // was, under its own name; of the other uses the first keeps the file's tensor, the rest get copies
                    boolean alias = n.getOpType().equals("Identity");
                    int k = alias ? 0 : useIndex.merge(s, 1, Integer::sum);
                    if (alias || k > 1) {
                        String name = options.prefix() + (alias ? n.getOutput(0) : s + ".use" + k);
                        if (paramNames.contains(name)) {
                            name = options.prefix() + s + ".use" + useIndex.merge(s, 1, Integer::sum);
                        }
                        v = graph.parameter(name, v.dtype(), v.shape(), copyOf(v.data()));
                        paramNames.add(name);
                    }
                }
                ins.add(v);
            }
            Value out;
            try {
                ImportedNode view = new ImportedNode(n.getOpType(), n.getName(), opset, ins, attributes(n),
                        usedOutputs(n), partial::get);
                if (n.getOpType().equals("Constant")) {
                    out = leafConstant(graph, options, n, view);
                } else {
                    out = ShapeFolding.tryFold(graph, view, partial);
                    if (out != null) {
                        folded++;
                    } else {
                        out = OPERATORS.get(n.getOpType()).importRule().build(graph, view);
                        long[] known = ShapeFolding.partial(view, partial);
                        if (known != null && out.rank() <= 1) {
                            partial.put(out, known);
                        }
                    }
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
        int params = graph.parameters().size() - paramsBefore;
        if (options.trainable() && params == 0) {
            throw new IllegalArgumentException("trainable import of " + label + " yields no trainable parameters: "
                    + "it has " + inits.size() + " initializers (" + countFloat(inits.values()) + " of float type) "
                    + "and no float Constant node holding a tensor of 2 or more elements; nothing could be fine-tuned "
                    + "(import it frozen, trainable: false)");
        }
        return new Result(result, params, graph.nodes().size() - nodesBefore, folded, shared);
    }

    private static long countFloat(java.util.Collection<OnnxMl.TensorProto> ts) {
        return ts.stream().filter(t -> t.getDataType() == 1 || t.getDataType() == 11).count();
    }

    /** For each initializer, the nodes that read it: node names, Identity aliases named by their output. */
    private static Map<String, List<String>> uses(OnnxMl.GraphProto gp, Set<String> inits) {
        Map<String, List<String>> uses = new LinkedHashMap<>();
        for (OnnxMl.NodeProto n : gp.getNodeList()) {
            for (String s : n.getInputList()) {
                if (inits.contains(s)) {
                    // an Identity without outputs is named like any node; the import then refuses it by name
                    uses.computeIfAbsent(s, k -> new ArrayList<>()).add(n.getOpType().equals("Identity")
                            && n.getOutputCount() > 0 ? "'" + n.getOutput(0) + "'"
                            : n.getName().isEmpty() ? n.getOpType() : n.getName());
                }
            }
        }
        for (OnnxMl.ValueInfoProto o : gp.getOutputList()) {
            if (inits.contains(o.getName())) {
                uses.computeIfAbsent(o.getName(), k -> new ArrayList<>()).add("graph output");
            }
        }
        return uses;
    }

    private static Value leaf(Graph graph, Options options, String name, HostTensor data) {
        boolean isFloat = data.dtype() == DType.FLOAT32 || data.dtype() == DType.FLOAT64;
        return options.trainable() && isFloat
                ? graph.parameter(name, data.dtype(), data.shape(), copyOf(data))
                : graph.constant(data);
    }

    /**
     * A Constant node: a float tensor of two or more elements is a weight (converters such as Paddle2ONNX store all
     * weights this way) and becomes a parameter of a trainable import; scalars and integer tensors (exponents,
     * shapes, axes) stay constants.
     */
    private static Value leafConstant(Graph graph, Options options, OnnxMl.NodeProto n, ImportedNode view) {
        HostTensor data = (HostTensor) view.attrs().get("value");
        boolean weight = data.size() >= 2 && data.shape().rank() >= 1;
        if (weight && options.trainable() && graph.find(options.prefix() + n.getOutput(0)) == null
                && !n.getOutput(0).isEmpty()) {
            return leaf(graph, options, options.prefix() + n.getOutput(0), data);
        }
        return OPERATORS.get("Constant").importRule().build(graph, view);
    }

    /** The node's attributes as ImportedNode values; Constant's value variants all become "value". */
    static Map<String, Object> attributes(OnnxMl.NodeProto n) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            String where = n.getOpType() + " node '" + n.getName() + "'";
            Object v = switch (a.getType()) {
                case INT -> a.getI();
                case FLOAT -> (double) a.getF();
                case STRING -> a.getS().toStringUtf8();
                case INTS -> a.getIntsList().stream().mapToLong(Long::longValue).toArray();
                case FLOATS -> a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray();
                case TENSOR -> tensor(a.getT(), where);
                default -> null;
            };
            if (v != null) {
                m.put(a.getName(), v);
            }
        }
        if (n.getOpType().equals("Constant")) {
            Object v;
            try {
                v = m.containsKey("value") ? (HostTensor) m.get("value") : m.containsKey("value_float")
                        ? HostTensor.of(new float[]{(float) (double) (Double) m.get("value_float")})
                        : m.containsKey("value_floats") ? floats((double[]) m.get("value_floats"))
                        : m.containsKey("value_int") ? scalarLong((Long) m.get("value_int"))
                        : m.containsKey("value_ints") ? HostTensor.of((long[]) m.get("value_ints"),
                        ((long[]) m.get("value_ints")).length) : null;
            } catch (ClassCastException e) {
                // the attribute's name promises one type and the file stored another
                throw new IllegalArgumentException("Constant node '" + n.getName() + "' has a value attribute of "
                        + "the wrong type");
            }
            if (v == null) {
                throw new IllegalArgumentException("Constant node '" + n.getName() + "' has no supported value "
                        + "attribute");
            }
            m.put("value", v);
        }
        return m;
    }

    private static HostTensor floats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return HostTensor.of(f, f.length);
    }

    private static HostTensor scalarLong(long v) {
        HostTensor t = HostTensor.zeros(DType.INT64, Shape.scalar());
        t.longs().put(0, v);
        return t;
    }

    private static Init copyOf(HostTensor data) {
        double[] d = data.toDoubleArray();
        return Init.values(d);
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
                    + dimsText(dims));
        }
        long product = 1; // of the non-zero dims, saturated: a zero dim does not save an overflowing product
        for (long d : dims) {
            product = d == 0 ? product : product > Long.MAX_VALUE / d ? Long.MAX_VALUE : product * d;
        }
        if (product == Long.MAX_VALUE) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has dimensions "
                    + dimsText(dims) + " whose product exceeds 64 bits");
        }
        long count = java.util.Arrays.stream(dims).anyMatch(d -> d == 0) ? 0 : product;
        if (count > t.getSerializedSize()) {
            throw new IllegalArgumentException(where + ": tensor '" + t.getName() + "' has shape "
                    + dimsText(dims) + " but only " + t.getSerializedSize() + " bytes in the file");
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

    /** A tensor's dimensions for a message: all of them up to rank 8, else the first 6 and the rank (one short line). */
    private static String dimsText(long[] dims) {
        if (dims.length <= 8) {
            return java.util.Arrays.toString(dims);
        }
        return java.util.Arrays.toString(java.util.Arrays.copyOf(dims, 6)).replace("]", ", ... (" + dims.length
                + " dimensions)]");
    }
}
