package io.suffice.runtime.engine;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.ByteString;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Node;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Lowers the part of a {@link Graph} that some outputs need to an ONNX {@code ModelProto} (opset
 * {@value #OPSET}, IR version {@value #IR_VERSION}) built with the protobuf classes of {@code ai.onnx.proto.OnnxMl}.
 * Listed inputs become graph inputs; constants, and parameters that are not listed, become initializers (with the
 * values given in {@code initializerValues}, else their initial values). Stateless and thread-safe.
 */
public final class OnnxLowering {
    /** The default-domain opset every lowered model imports. */
    public static final int OPSET = 17;
    /** ONNX IR version 8 (ONNX 1.10+), accepted by every ONNX Runtime since 1.10 and by onnx 1.12's checker. */
    public static final int IR_VERSION = 8;
    /** Name of the symbolic batch dimension in lowered models. */
    public static final String BATCH_DIM = "batch";

    private OnnxLowering() {
    }

    /**
     * Lowers {@code inputs -> outputs}.
     *
     * @param initializerValues replacement values for parameters baked in as initializers (trained weights); may be
     *                          empty
     */
    public static OnnxMl.ModelProto lower(String name, List<Value> inputs, Map<String, Value> outputs,
                                          Map<String, HostTensor> initializerValues) {
        if (outputs.isEmpty()) {
            throw new IllegalArgumentException("no outputs requested");
        }
        Graph graph = outputs.values().iterator().next().graph();
        Set<Value> fed = new LinkedHashSet<>(inputs);
        for (Value v : inputs) {
            if (v.graph() != graph || (v.kind() != Value.Kind.INPUT && v.kind() != Value.Kind.PARAMETER)) {
                throw new IllegalArgumentException(v + " cannot be fed: only inputs and parameters of the graph");
            }
        }
        // Walk back from the outputs to the nodes and leaves they need.
        Set<Node> needed = new HashSet<>();
        Set<Value> leaves = new TreeSet<>((a, b) -> Integer.compare(a.id(), b.id()));
        Deque<Value> todo = new ArrayDeque<>(outputs.values());
        Set<Value> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Value v = todo.pop();
            if (v.graph() != graph) {
                throw new IllegalArgumentException("output " + v + " belongs to another graph");
            }
            if (!seen.add(v)) {
                continue;
            }
            if (v.producer() == null || fed.contains(v)) {
                leaves.add(v);
                continue;
            }
            if (needed.add(v.producer())) {
                for (Value in : v.producer().inputs()) {
                    if (in != null) {
                        todo.push(in);
                    }
                }
            }
        }
        Map<Value, Value> alias = elideExpands(graph, needed, outputs);
        if (!alias.isEmpty()) {
            // recompute what is needed with the rewired edges: elided Expands and their Shape inputs drop out
            needed.clear();
            leaves.clear();
            seen.clear();
            todo.addAll(outputs.values());
            while (!todo.isEmpty()) {
                Value v = todo.pop();
                if (!seen.add(v)) {
                    continue;
                }
                if (v.producer() == null || fed.contains(v)) {
                    leaves.add(v);
                    continue;
                }
                if (needed.add(v.producer())) {
                    for (Value in : v.producer().inputs()) {
                        if (in != null) {
                            todo.push(alias.getOrDefault(in, in));
                        }
                    }
                }
            }
        }
        OnnxMl.GraphProto.Builder gb = OnnxMl.GraphProto.newBuilder().setName(name);
        for (Value v : inputs) {
            gb.addInput(valueInfo(v.name(), v));
        }
        Set<String> domains = new TreeSet<>();
        for (Value leaf : leaves) {
            if (fed.contains(leaf)) {
                continue;
            }
            switch (leaf.kind()) {
                case INPUT -> throw new IllegalArgumentException("the outputs " + outputs.keySet()
                        + " depend on input '" + leaf.name() + "' " + leaf.shape() + ", which is not fed");
                case PARAMETER -> gb.addInitializer(tensor(leaf.name(),
                        initializerValues.getOrDefault(leaf.name(), leaf.data())));
                case CONSTANT -> gb.addInitializer(tensor(leaf.name(), leaf.data()));
                default -> throw new IllegalStateException("leaf " + leaf);
            }
        }
        for (Node n : graph.nodes()) {
            if (!needed.contains(n)) {
                continue;
            }
            OnnxMl.NodeProto.Builder nb = OnnxMl.NodeProto.newBuilder().setOpType(n.opType())
                    .setName(n.opType() + "_" + n.outputs().get(0).id());
            if (!n.domain().isEmpty()) {
                nb.setDomain(n.domain());
                domains.add(n.domain());
            }
            for (Value in : n.inputs()) {
                nb.addInput(in == null ? "" : alias.getOrDefault(in, in).name());
            }
            for (Value out : n.outputs()) {
                nb.addOutput(out.name());
            }
            n.attrs().entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> nb.addAttribute(attribute(e.getKey(), e.getValue())));
            gb.addNode(nb);
        }
        Set<String> names = new HashSet<>();
        for (var e : outputs.entrySet()) {
            String out = e.getKey();
            Value v = e.getValue();
            if (!names.add(out) || (graph.find(out) != null && graph.find(out) != v)
                    || out.startsWith(Graph.GENERATED_PREFIX)) {
                throw new IllegalArgumentException("output name '" + out + "' is repeated or clashes with a value");
            }
            if (!out.equals(v.name())) {
                // outputs get the caller's names through an Identity, which ONNX Runtime optimises away
                gb.addNode(OnnxMl.NodeProto.newBuilder().setOpType("Identity").setName("out_" + out)
                        .addInput(v.name()).addOutput(out));
            }
            gb.addOutput(valueInfo(out, v));
        }
        OnnxMl.ModelProto.Builder mb = OnnxMl.ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("suffice")
                .setProducerVersion("0.1")
                .setGraph(gb)
                .addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET));
        for (String d : domains) {
            mb.addOpsetImport(OnnxMl.OperatorSetIdProto.newBuilder().setDomain(d).setVersion(1));
        }
        return mb.build();
    }

    /** The graph inputs (kind INPUT) that {@code outputs} depend on, in declaration order. */
    public static List<Value> inputsNeeded(java.util.Collection<Value> outputs) {
        Set<Value> seen = new HashSet<>();
        Deque<Value> todo = new ArrayDeque<>(outputs);
        Set<Value> found = new TreeSet<>((a, b) -> Integer.compare(a.id(), b.id()));
        while (!todo.isEmpty()) {
            Value v = todo.pop();
            if (!seen.add(v)) {
                continue;
            }
            if (v.kind() == Value.Kind.INPUT) {
                found.add(v);
            } else if (v.producer() != null) {
                for (Value in : v.producer().inputs()) {
                    if (in != null) {
                        todo.push(in);
                    }
                }
            }
        }
        return new ArrayList<>(found);
    }

    /** Elementwise operators that broadcast their inputs numpy-style. */
    private static final Set<String> BROADCASTING = Set.of("Add", "Sub", "Mul", "Div", "Pow", "Max", "Min", "Where",
            "Equal", "Greater", "Less", "GreaterOrEqual", "LessOrEqual", "And");

    /**
     * Finds Expand nodes (emitted by reduction gradients) whose every consumer is a broadcasting elementwise op that
     * would produce the same shape from the unexpanded input; those consumers read the input directly, saving a
     * full-size pass. Returns expand output -> expand input.
     */
    private static Map<Value, Value> elideExpands(Graph graph, Set<Node> needed, Map<String, Value> outputs) {
        Map<Value, List<Node>> consumers = new java.util.HashMap<>();
        for (Node n : graph.nodes()) {
            if (needed.contains(n)) {
                for (Value in : n.inputs()) {
                    if (in != null) {
                        consumers.computeIfAbsent(in, k -> new ArrayList<>()).add(n);
                    }
                }
            }
        }
        Set<Value> requested = new HashSet<>(outputs.values());
        Map<Value, Value> alias = new java.util.HashMap<>();
        for (Node n : graph.nodes()) {
            if (!needed.contains(n) || !n.opType().equals("Expand") || !n.domain().isEmpty()) {
                continue;
            }
            Value e = n.outputs().get(0);
            Value a = alias.getOrDefault(n.input(0), n.input(0));
            List<Node> users = consumers.getOrDefault(e, List.of());
            boolean ok = !requested.contains(e) && !users.isEmpty();
            for (Node c : users) {
                if (!ok) {
                    break;
                }
                if (!BROADCASTING.contains(c.opType()) || !c.domain().isEmpty()) {
                    ok = false;
                    break;
                }
                List<long[]> shapes = new ArrayList<>();
                for (Value in : c.inputs()) {
                    Value r = in == e ? a : alias.getOrDefault(in, in);
                    shapes.add(r.shape().dims());
                }
                long[] b = broadcast(shapes);
                ok = b != null && Shape.of(b).equals(c.outputs().get(0).shape());
            }
            if (ok) {
                alias.put(e, a);
            }
        }
        return alias;
    }

    /** numpy broadcasting of static or symbolic shapes; null when incompatible. */
    private static long[] broadcast(List<long[]> shapes) {
        int r = 0;
        for (long[] d : shapes) {
            r = Math.max(r, d.length);
        }
        long[] out = new long[r];
        for (int i = 0; i < r; i++) {
            long res = 1;
            for (long[] d : shapes) {
                int j = d.length - r + i;
                long v = j < 0 ? 1 : d[j];
                if (v == 1) {
                    continue;
                }
                if (res == 1 || res == Shape.DYNAMIC) {
                    res = v;
                } else if (v != Shape.DYNAMIC && v != res) {
                    return null;
                }
            }
            out[i] = res;
        }
        return out;
    }

    static OnnxMl.ValueInfoProto valueInfo(String name, Value v) {
        OnnxMl.TensorShapeProto.Builder sb = OnnxMl.TensorShapeProto.newBuilder();
        long[] dims = v.shape().dims();
        for (int i = 0; i < dims.length; i++) {
            long d = dims[i];
            OnnxMl.TensorShapeProto.Dimension.Builder db = OnnxMl.TensorShapeProto.Dimension.newBuilder();
            if (d == Shape.DYNAMIC) {
                // a leading symbolic dim is the shared batch size; later ones (sequence lengths) are per input
                db.setDimParam(i == 0 ? BATCH_DIM : name + "_d" + i);
            } else {
                db.setDimValue(d);
            }
            sb.addDim(db);
        }
        // Symbolic dims other than the batch are not distinguishable in our Shape; leave shapes of non-leaf
        // outputs with several symbolic dims to ONNX Runtime's inference by naming each one distinctly.
        if (v.kind() == Value.Kind.NODE && v.shape().rank() > 0) {
            int dyn = 0;
            for (int i = 0; i < v.shape().rank(); i++) {
                if (v.shape().dim(i) == Shape.DYNAMIC) {
                    sb.getDimBuilder(i).setDimParam(BATCH_DIM + "_" + name + "_" + (dyn++));
                }
            }
        }
        return OnnxMl.ValueInfoProto.newBuilder().setName(name).setType(OnnxMl.TypeProto.newBuilder()
                .setTensorType(OnnxMl.TypeProto.Tensor.newBuilder().setElemType(Graph.onnxType(v.dtype()))
                        .setShape(sb))).build();
    }

    /** A TensorProto with little-endian raw data, as the ONNX format requires. */
    public static OnnxMl.TensorProto tensor(String name, HostTensor t) {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
        OnnxMl.TensorProto.Builder b = OnnxMl.TensorProto.newBuilder().setName(name)
                .setDataType(Graph.onnxType(t.dtype()));
        for (long d : t.shape().dims()) {
            b.addDims(d);
        }
        return b.setRawData(ByteString.copyFrom(t.buffer())).build();
    }

    static OnnxMl.AttributeProto attribute(String name, Object value) {
        OnnxMl.AttributeProto.Builder a = OnnxMl.AttributeProto.newBuilder().setName(name);
        if (value instanceof Long l) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INT).setI(l);
        } else if (value instanceof Double d) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOAT).setF(d.floatValue());
        } else if (value instanceof String s) {
            a.setType(OnnxMl.AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(s));
        } else if (value instanceof long[] ls) {
            a.setType(OnnxMl.AttributeProto.AttributeType.INTS);
            for (long l : ls) {
                a.addInts(l);
            }
        } else if (value instanceof double[] ds) {
            a.setType(OnnxMl.AttributeProto.AttributeType.FLOATS);
            for (double d : ds) {
                a.addFloats((float) d);
            }
        } else if (value instanceof HostTensor t) {
            a.setType(OnnxMl.AttributeProto.AttributeType.TENSOR).setT(tensor(name, t));
        } else {
            throw new IllegalArgumentException("attribute " + name + " has unsupported type " + value.getClass());
        }
        return a.build();
    }

    /** Node names of a lowered model, for tests and debugging. */
    static List<String> opTypes(OnnxMl.ModelProto m) {
        List<String> l = new ArrayList<>();
        m.getGraph().getNodeList().forEach(n -> l.add(n.getOpType()));
        return l;
    }
}
