package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import io.suffice.api.graph.Differentiator;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * What a trainable import of an ONNX file does, found by doing it: {@link #vet} runs the importer itself
 * ({@link OnnxImporter#problems}, then a build into a scratch graph fed inputs of the file's declared shapes, symbolic
 * dimensions kept symbolic), so {@code suffice onnx inspect} can never promise an import that the importer refuses.
 * {@link #tryImport} goes further: one forward pass compared with ONNX Runtime running the file, and one backward
 * pass. Stateless.
 */
public final class ImportVetting {
    private ImportVetting() {
    }

    /**
     * The outcome of a trainable import.
     *
     * @param blocking every reason import refuses the file (empty when it imports)
     * @param result   what the import built, or null when refused
     * @param symbolic the symbolic input dimensions, by name
     */
    public record Verdict(List<String> blocking, OnnxImporter.Result result, List<String> symbolic) {

        /** True when the file imports. */
        public boolean ok() {
            return blocking.isEmpty();
        }

        /** The line inspect prints, e.g. {@code trainable import: ok (12 parameters, 80 nodes, ...)}. */
        public String line() {
            if (!ok()) {
                return "trainable import: refused: " + String.join("; ", blocking);
            }
            return "trainable import: ok (" + result.parameters() + " parameters, " + result.nodes() + " nodes, "
                    + result.folded() + " nodes folded at import"
                    + (symbolic.isEmpty() ? "" : "; symbolic dimensions kept: " + String.join(", ", symbolic)) + ")";
        }
    }

    /** Imports {@code model} (trainable) into a scratch graph and reports the outcome. */
    public static Verdict vet(OnnxMl.ModelProto model) {
        List<String> problems = OnnxImporter.problems(model);
        if (!problems.isEmpty()) {
            return new Verdict(problems, null, List.of());
        }
        Graph g = new Graph(0);
        List<String> symbolic = new ArrayList<>();
        try {
            Map<String, Value> inputs = declaredInputs(g, model, symbolic);
            OnnxImporter.Result r = OnnxImporter.importModel(g, model, inputs, new OnnxImporter.Options("", true,
                    false), outputNames(model));
            return new Verdict(List.of(), r, symbolic);
        } catch (IllegalArgumentException e) {
            return new Verdict(List.of(e.getMessage()), null, symbolic);
        }
    }

    /**
     * Imports {@code model}, runs one forward pass on generated inputs (symbolic dimensions set small, integer inputs
     * drawn within the range of the embedding table they index) and compares it with ONNX Runtime running
     * {@code file}, then runs one backward pass of the sum of squared outputs.
     *
     * @return the line to print: {@code trainable import: ok (P parameters, N nodes; forward matches the file to E;
     * backward: G finite gradients)} or the refusal
     */
    public static String tryImport(Path file, OnnxMl.ModelProto model, Executor executor, Differentiator autodiff,
                                   long seed) {
        Verdict v = vet(model);
        if (!v.ok()) {
            return v.line();
        }
        Graph g = new Graph(seed);
        Map<String, Value> inputs = declaredInputs(g, model, new ArrayList<>());
        OnnxImporter.Result r = OnnxImporter.importModel(g, model, inputs, new OnnxImporter.Options("", true, false),
                outputNames(model));
        Map<String, HostTensor> feeds = feeds(model, new SplittableRandom(seed));
        Map<String, HostTensor> want = executor.load(file).run(feeds);
        Map<String, Value> outs = new LinkedHashMap<>();
        Value loss = null;
        for (Map.Entry<String, Value> e : r.outputs().entrySet()) {
            outs.put("out_" + outs.size(), e.getValue());
            if (e.getValue().isFloat()) {
                Value y = e.getValue().dtype() == DType.FLOAT32 ? e.getValue() : g.cast(e.getValue(), DType.FLOAT32);
                Value s = g.reduceSum(g.mul(y, y), false);
                loss = loss == null ? s : g.add(loss, s);
            }
        }
        List<Value> params = g.parameters();
        int forwardOutputs = outs.size();
        if (loss != null) {
            List<Value> grads = autodiff.gradients(loss, params);
            for (int i = 0; i < grads.size(); i++) {
                outs.put("grad_" + i, grads.get(i));
            }
        }
        Executable step = executor.compile(g, new ArrayList<>(inputs.values()), outs);
        Map<String, HostTensor> got = step.run(feeds);
        double err = 0;
        int i = 0;
        for (String name : r.outputs().keySet()) {
            double[] a = got.get("out_" + i++).toDoubleArray();
            double[] b = want.get(name).toDoubleArray();
            if (a.length != b.length) {
                return "trainable import: refused: output '" + name + "' has " + a.length + " values, the file gives "
                        + b.length;
            }
            for (int k = 0; k < a.length; k++) {
                err = Math.max(err, Math.abs(a[k] - b[k]));
            }
        }
        int finite = 0;
        for (int k = 0; k < outs.size() - forwardOutputs; k++) {
            boolean ok = true;
            for (double d : got.get("grad_" + k).toDoubleArray()) {
                ok &= Double.isFinite(d);
            }
            finite += ok ? 1 : 0;
        }
        String backward = loss == null ? "no float output to differentiate"
                : finite + " of " + params.size() + " parameter gradients finite";
        return String.format("trainable import: ok (%d parameters, %d nodes; forward matches the file to %.1e; "
                + "backward: %s)", r.parameters(), r.nodes(), err, backward);
    }

    static List<String> outputNames(OnnxMl.ModelProto model) {
        return model.getGraph().getOutputList().stream().map(OnnxMl.ValueInfoProto::getName).toList();
    }

    /** Graph inputs of the declared dtype and rank; fixed sizes kept, symbolic ones symbolic. */
    static Map<String, Value> declaredInputs(Graph g, OnnxMl.ModelProto model, List<String> symbolic) {
        Map<String, Value> inputs = new LinkedHashMap<>();
        for (OnnxMl.ValueInfoProto in : graphInputs(model)) {
            OnnxMl.TypeProto.Tensor t = in.getType().getTensorType();
            DType dt = OnnxModelInspector.dtype(t.getElemType());
            if (dt == null || !t.hasShape()) {
                throw new IllegalArgumentException("input '" + in.getName() + "' " + (dt == null ? "has element type "
                        + OnnxModelInspector.elemTypeName(t.getElemType()) + ", which suffice cannot feed"
                        : "declares no shape"));
            }
            long[] dims = new long[t.getShape().getDimCount()];
            for (int i = 0; i < dims.length; i++) {
                OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
                dims[i] = d.hasDimValue() ? d.getDimValue() : Shape.DYNAMIC;
                if (!d.hasDimValue()) {
                    String name = d.getDimParam().isEmpty() ? in.getName() + "[" + i + "]" : d.getDimParam();
                    if (!symbolic.contains(name)) {
                        symbolic.add(name);
                    }
                }
            }
            inputs.put(in.getName(), g.input(in.getName(), dt, dims));
        }
        return inputs;
    }

    private static List<OnnxMl.ValueInfoProto> graphInputs(OnnxMl.ModelProto model) {
        java.util.Set<String> inits = new java.util.HashSet<>();
        model.getGraph().getInitializerList().forEach(t -> inits.add(t.getName()));
        return model.getGraph().getInputList().stream().filter(v -> !inits.contains(v.getName())).toList();
    }

    /** Generated feeds: symbolic dimensions 2, 5, 3, ... by first appearance, integers within their table. */
    static Map<String, HostTensor> feeds(OnnxMl.ModelProto model, SplittableRandom rng) {
        Map<String, Long> sizes = new HashMap<>();
        long[] small = {2, 5, 3, 4};
        Map<String, HostTensor> feeds = new LinkedHashMap<>();
        for (OnnxMl.ValueInfoProto in : graphInputs(model)) {
            OnnxMl.TypeProto.Tensor t = in.getType().getTensorType();
            long[] dims = new long[t.getShape().getDimCount()];
            for (int i = 0; i < dims.length; i++) {
                OnnxMl.TensorShapeProto.Dimension d = t.getShape().getDim(i);
                String key = d.getDimParam().isEmpty() ? "#" + i : d.getDimParam();
                dims[i] = d.hasDimValue() ? d.getDimValue()
                        : sizes.computeIfAbsent(key, k -> small[Math.min(sizes.size(), small.length - 1)]);
            }
            DType dt = OnnxModelInspector.dtype(t.getElemType());
            HostTensor h = HostTensor.zeros(dt, Shape.of(dims));
            long range = indexRange(model, in.getName());
            for (int k = 0; k < h.size(); k++) {
                switch (dt) {
                    case FLOAT32 -> h.floats().put(k, (float) rng.nextGaussian());
                    case FLOAT64 -> h.doubles().put(k, rng.nextGaussian());
                    case INT64 -> h.longs().put(k, rng.nextLong(range));
                    case INT32 -> h.buffer().asIntBuffer().put(k, (int) rng.nextLong(range));
                    case BOOL -> h.buffer().put(k, (byte) rng.nextInt(2));
                }
            }
            feeds.put(in.getName(), h);
        }
        return feeds;
    }

    /** The number of rows of the initializer a Gather indexes with {@code input}, else 2 (masks, flags). */
    private static long indexRange(OnnxMl.ModelProto model, String input) {
        Map<String, OnnxMl.TensorProto> inits = new HashMap<>();
        model.getGraph().getInitializerList().forEach(t -> inits.put(t.getName(), t));
        for (OnnxMl.NodeProto n : model.getGraph().getNodeList()) {
            if (n.getOpType().equals("Gather") && n.getInputCount() > 1 && n.getInput(1).equals(input)
                    && inits.containsKey(n.getInput(0)) && inits.get(n.getInput(0)).getDimsCount() > 0) {
                return inits.get(n.getInput(0)).getDims(0);
            }
        }
        return 2;
    }
}
