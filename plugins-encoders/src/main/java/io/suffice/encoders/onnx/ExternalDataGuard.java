package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * Refuses ONNX models whose tensors keep their data outside the model's folder. A tensor with external data names
 * a file by a {@code location} relative to the model; ONNX Runtime would read whatever that resolves to, so a
 * crafted model could read {@code ../../etc/passwd} or an absolute path into its weights. This guard walks every
 * {@code TensorProto} of the parsed model (initializers, sparse initializers, {@code Constant} and other tensor
 * attributes, subgraphs of {@code If}/{@code Loop}/{@code Scan}, and local functions) before ONNX Runtime sees the
 * file and requires each location to be a relative path that stays inside the folder, also after resolving
 * symbolic links. Stateless.
 */
public final class ExternalDataGuard {

    private ExternalDataGuard() {
    }

    /** @throws IllegalArgumentException naming the tensor and its location when one points outside the folder */
    public static void check(Path modelFile, OnnxMl.ModelProto model) {
        Path folder = modelFile.toAbsolutePath().normalize().getParent();
        graph(modelFile, folder, model.getGraph());
        for (OnnxMl.FunctionProto f : model.getFunctionsList()) {
            for (OnnxMl.NodeProto n : f.getNodeList()) {
                node(modelFile, folder, n);
            }
        }
    }

    private static void graph(Path file, Path folder, OnnxMl.GraphProto g) {
        for (OnnxMl.TensorProto t : g.getInitializerList()) {
            tensor(file, folder, t, "initializer '" + t.getName() + "'");
        }
        for (OnnxMl.SparseTensorProto s : g.getSparseInitializerList()) {
            tensor(file, folder, s.getValues(), "sparse initializer '" + s.getValues().getName() + "'");
            tensor(file, folder, s.getIndices(), "sparse initializer '" + s.getValues().getName() + "' indices");
        }
        for (OnnxMl.NodeProto n : g.getNodeList()) {
            node(file, folder, n);
        }
    }

    private static void node(Path file, Path folder, OnnxMl.NodeProto n) {
        for (OnnxMl.AttributeProto a : n.getAttributeList()) {
            // concatenated, not formatted: the names come from the file and may hold '%'
            String w = "attribute " + a.getName() + " of node '" + n.getName() + "' (" + n.getOpType() + ")";
            if (a.hasT()) {
                tensor(file, folder, a.getT(), w);
            }
            for (OnnxMl.TensorProto t : a.getTensorsList()) {
                tensor(file, folder, t, w);
            }
            if (a.hasSparseTensor()) {
                tensor(file, folder, a.getSparseTensor().getValues(), w);
                tensor(file, folder, a.getSparseTensor().getIndices(), w);
            }
            if (a.hasG()) {
                graph(file, folder, a.getG());
            }
            for (OnnxMl.GraphProto g : a.getGraphsList()) {
                graph(file, folder, g);
            }
        }
    }

    private static void tensor(Path file, Path folder, OnnxMl.TensorProto t, String what) {
        boolean external = t.getDataLocation() == OnnxMl.TensorProto.DataLocation.EXTERNAL;
        String location = null;
        for (OnnxMl.StringStringEntryProto e : t.getExternalDataList()) {
            if (e.getKey().equals("location")) {
                location = e.getValue();
            }
        }
        if (!external && location == null) {
            return;
        }
        if (location == null || location.isEmpty()) {
            throw refuse(file, what, String.valueOf(location), "external data without a location");
        }
        Path rel;
        try {
            rel = Path.of(location);
        } catch (InvalidPathException e) {
            throw refuse(file, what, location, "not a valid path");
        }
        if (rel.isAbsolute() || location.startsWith("/") || location.startsWith("\\")
                || location.matches("^[A-Za-z]:.*")) {
            throw refuse(file, what, location, "an absolute path, outside the model's folder " + folder);
        }
        Path resolved = folder.resolve(rel).normalize();
        if (!resolved.startsWith(folder) || resolved.equals(folder)) {
            throw refuse(file, what, location, "outside the model's folder " + folder);
        }
        if (Files.exists(resolved)) {
            try {
                if (!resolved.toRealPath().startsWith(folder.toRealPath())) {
                    throw refuse(file, what, location, "a link that leads outside the model's folder " + folder);
                }
            } catch (IOException e) {
                throw refuse(file, what, location, "unreadable (" + e.getMessage() + ")");
            }
        }
    }

    private static IllegalArgumentException refuse(Path file, String what, String location, String why) {
        return new IllegalArgumentException(file + ": " + what + " keeps its data in external file '" + location
                + "', " + why + "; refusing to load the model");
    }
}
