package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Problems that make a parseable ONNX file unusable although nothing is wrong with its protobuf: external data files
 * that are not beside the model (ONNX Runtime fails on them only when it loads the weights) and a graph that declares
 * no outputs. {@code suffice onnx inspect} prints each as a warning and exits 1. (Locations that leave the model's
 * folder are {@link ExternalDataGuard}'s, which refuses them outright.) Stateless.
 */
public final class ModelFileWarnings {
    private ModelFileWarnings() {
    }

    /** One line per problem of {@code model} (read from {@code modelFile}); empty when there is none. */
    public static List<String> of(Path modelFile, OnnxMl.ModelProto model) {
        List<String> warnings = new ArrayList<>();
        if (model.getGraph().getOutputCount() == 0) {
            warnings.add("the model declares no outputs, so nothing can be read from it");
        }
        Map<String, List<String>> missing = new LinkedHashMap<>();
        Path folder = modelFile.toAbsolutePath().normalize().getParent();
        collect(model.getGraph(), folder, missing);
        for (OnnxMl.FunctionProto f : model.getFunctionsList()) {
            for (OnnxMl.NodeProto n : f.getNodeList()) {
                node(n, folder, missing);
            }
        }
        missing.forEach((location, tensors) -> warnings.add("external data file '" + location + "' is missing "
                + "beside the model (in " + folder + "); it holds " + tensors.size() + " tensor"
                + (tensors.size() == 1 ? "" : "s") + ", e.g. " + tensors.get(0)));
        return warnings;
    }

    private static void collect(OnnxMl.GraphProto g, Path folder, Map<String, List<String>> missing) {
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            tensor(t, "initializer '" + t.getName() + "'", folder, missing);
        }
        for (OnnxMl.SparseTensorProto s : g.getSparseInitializerList()) {
            tensor(s.getValues(), "sparse initializer '" + s.getValues().getName() + "'", folder, missing);
            tensor(s.getIndices(), "sparse initializer '" + s.getValues().getName() + "' indices", folder, missing);
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            node(n, folder, missing);
        }
    }

    private static void node(OnnxMl.NodeProto n, Path folder, Map<String, List<String>> missing) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            String what = "attribute " + a.getName() + " of node '" + n.getName() + "' (" + n.getOpType() + ")";
            if (a.hasT()) {
                tensor(a.getT(), what, folder, missing);
            }
            for (OnnxMl.TensorProto t : a.getTensorsList()) {
                tensor(t, what, folder, missing);
            }
            if (a.hasG()) {
                collect(a.getG(), folder, missing);
            }
            for (OnnxMl.GraphProto sub : a.getGraphsList()) {
                collect(sub, folder, missing);
            }
        }
    }

    private static void tensor(OnnxMl.TensorProto t, String what, Path folder, Map<String, List<String>> missing) {
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location") && !e.getValue().isEmpty()) {
                boolean present;
                try {
                    present = Files.isRegularFile(folder.resolve(e.getValue()));
                } catch (InvalidPathException ex) {
                    present = false;
                }
                if (!present) {
                    missing.computeIfAbsent(e.getValue(), k -> new ArrayList<>()).add(what);
                }
            }
        }
    }
}
