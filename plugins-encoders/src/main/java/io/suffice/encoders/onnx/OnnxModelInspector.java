package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;
import com.google.protobuf.InvalidProtocolBufferException;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.tensor.DType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an ONNX model file into its {@code ModelProto} (protobuf classes {@code ai.onnx.proto.OnnxMl}) and describes
 * it as an {@link OnnxModelInfo}, without ONNX Runtime. Files that are not ONNX models, and truncated ones, fail
 * here with a message saying which. The whole file is read into memory (weights included), so this suits models of
 * up to a few hundred MB stored inline, and any size with external data. Stateless and thread-safe.
 */
public final class OnnxModelInspector {

    private OnnxModelInspector() {
    }

    /**
     * Parses {@code file}.
     *
     * @throws IllegalArgumentException when the file is missing, empty, not an ONNX model or truncated
     */
    public static OnnxMl.ModelProto parse(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("no ONNX model file at " + file);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length == 0) {
            throw new IllegalArgumentException(file + " is empty, not an ONNX model");
        }
        OnnxMl.ModelProto model;
        try {
            model = OnnxMl.ModelProto.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            // ONNX files begin with field 1 (ir_version, a varint): tag byte 0x08. A file that starts like one but
            // does not parse to the end was cut short.
            if (bytes[0] == 0x08 && isTruncation(e)) {
                throw new IllegalArgumentException(file + " is a truncated ONNX model (" + bytes.length
                        + " bytes; the protobuf ends in the middle of a field): " + e.getMessage(), e);
            }
            throw notOnnx(file, bytes, e.getMessage());
        }
        if (model.getIrVersion() <= 0 || !model.hasGraph() || !model.getUnknownFields().asMap().isEmpty()) {
            throw notOnnx(file, bytes, model.getIrVersion() <= 0 ? "no IR version" : !model.hasGraph()
                    ? "no graph" : "unknown top-level fields " + model.getUnknownFields().asMap().keySet());
        }
        return model;
    }

    private static boolean isTruncation(InvalidProtocolBufferException e) {
        String m = String.valueOf(e.getMessage());
        return m.contains("truncated") || m.contains("ended unexpectedly") || m.contains("end-group")
                || m.contains("negative size");
    }

    private static IllegalArgumentException notOnnx(Path file, byte[] bytes, String detail) {
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < Math.min(4, bytes.length); i++) {
            head.append(String.format("%02x ", bytes[i] & 0xff));
        }
        String hint = bytes.length >= 2 && bytes[0] == 'P' && bytes[1] == 'K'
                ? " (it is a ZIP archive: a PyTorch checkpoint or an ONNX file packed in a ZIP?)"
                : bytes.length >= 1 && (bytes[0] == '{' || bytes[0] == '<' || bytes[0] == '#')
                ? " (it looks like a text file)" : "";
        return new IllegalArgumentException(file + " is not an ONNX model file" + hint + "; it starts with bytes "
                + head.toString().trim() + " (" + detail + ")");
    }

    /** Describes a parsed model: inputs (initializers excluded), outputs, opsets, producer and metadata. */
    public static OnnxModelInfo describe(OnnxMl.ModelProto model) {
        OnnxMl.GraphProto g = model.getGraph();
        Set<String> initializers = new HashSet<>();
        g.getInitializerList().forEach(t -> initializers.add(t.getName()));
        List<OnnxModelInfo.TensorSpec> inputs = new ArrayList<>();
        for (OnnxMl.ValueInfoProto v : g.getInputList()) {
            if (!initializers.contains(v.getName())) {
                inputs.add(spec(v));
            }
        }
        List<OnnxModelInfo.TensorSpec> outputs = new ArrayList<>();
        g.getOutputList().forEach(v -> outputs.add(spec(v)));
        Map<String, Long> opsets = new LinkedHashMap<>();
        model.getOpsetImportList().forEach(o -> opsets.put(o.getDomain(), o.getVersion()));
        Map<String, String> metadata = new LinkedHashMap<>();
        model.getMetadataPropsList().forEach(p -> metadata.put(p.getKey(), p.getValue()));
        return new OnnxModelInfo(model.getIrVersion(), opsets, model.getProducerName(), model.getProducerVersion(),
                g.getName(), metadata, inputs, outputs);
    }

    /** Parses, vets (opset range, external data) and describes {@code file}. */
    public static OnnxModelInfo inspect(Path file) {
        OnnxMl.ModelProto model = parse(file);
        OpsetSupport.check(file, model);
        ExternalDataGuard.check(file, model);
        return describe(model);
    }

    private static OnnxModelInfo.TensorSpec spec(OnnxMl.ValueInfoProto v) {
        OnnxMl.TypeProto type = v.getType();
        if (!type.hasTensorType()) {
            return new OnnxModelInfo.TensorSpec(v.getName(), type.getValueCase().name(), null, null);
        }
        OnnxMl.TypeProto.Tensor t = type.getTensorType();
        List<String> dims = null;
        if (t.hasShape()) {
            dims = new ArrayList<>();
            for (OnnxMl.TensorShapeProto.Dimension d : t.getShape().getDimList()) {
                dims.add(d.hasDimValue() ? Long.toString(d.getDimValue())
                        : d.hasDimParam() && !d.getDimParam().isEmpty() ? d.getDimParam() : "?");
            }
        }
        return new OnnxModelInfo.TensorSpec(v.getName(), elemTypeName(t.getElemType()), dtype(t.getElemType()), dims);
    }

    /** The ONNX name of an element type number, e.g. 1 -> FLOAT. */
    static String elemTypeName(int elemType) {
        OnnxMl.TensorProto.DataType d = OnnxMl.TensorProto.DataType.forNumber(elemType);
        return d == null ? "TYPE_" + elemType : d.name();
    }

    /** The suffice dtype of an ONNX element type, or null when there is none. */
    static DType dtype(int elemType) {
        return switch (elemType) {
            case 1 -> DType.FLOAT32;
            case 11 -> DType.FLOAT64;
            case 7 -> DType.INT64;
            case 6 -> DType.INT32;
            case 9 -> DType.BOOL;
            default -> null;
        };
    }
}
