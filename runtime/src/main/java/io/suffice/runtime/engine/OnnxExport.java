package io.suffice.runtime.engine;

import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.io.AtomicFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes a forward graph with trained weights as a standalone {@code .onnx} file: every parameter becomes an
 * initializer holding its current value from a {@link ParameterStore}, the listed inputs stay graph inputs (with a
 * symbolic batch dimension {@code N}). Any ONNX tool can load the result; ONNX Runtime reproduces the outputs the
 * engine computes. The file is written atomically. Stateless.
 */
public final class OnnxExport {
    private OnnxExport() {
    }

    /**
     * @param file    destination; replaced atomically if it exists
     * @param inputs  graph inputs of the exported model (batch fields, not parameters)
     * @param outputs outputs by name
     * @param store   trained parameter values; parameters absent from it keep their initial values
     */
    public static void export(Path file, List<Value> inputs, Map<String, Value> outputs, ParameterStore store)
            throws IOException {
        export(file, inputs, outputs, store, Map.of());
    }

    /**
     * Like {@link #export(Path, List, Map, ParameterStore)}, with {@code metadata_props} (provenance: task, step,
     * config hash, version).
     */
    public static void export(Path file, List<Value> inputs, Map<String, Value> outputs, ParameterStore store,
                              Map<String, String> metadata) throws IOException {
        for (Value v : inputs) {
            if (v.kind() != Value.Kind.INPUT) {
                throw new IllegalArgumentException("exported inputs must be graph inputs, not " + v);
            }
        }
        var built = OnnxLowering.lower("suffice-export", inputs, outputs, store.asMap()).toBuilder();
        // an exported function maps a batch to a batch: its outputs' leading symbolic dimension is the inputs' one
        var graph = built.getGraphBuilder();
        for (int i = 0; i < graph.getOutputCount(); i++) {
            var shape = graph.getOutputBuilder(i).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
            if (shape.getDimCount() > 0 && shape.getDim(0).hasDimParam()) {
                shape.getDimBuilder(0).setDimParam(OnnxLowering.BATCH_DIM);
            }
        }
        metadata.forEach((k, v) -> built.addMetadataProps(
                ai.onnx.proto.OnnxMl.StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        var model = built.build();
        writeAtomically(file, out -> model.writeTo(out));
    }

    /** Streams to a temporary sibling, forces it to disk, then renames it over {@code file}. */
    static void writeAtomically(Path file, AtomicFiles.Content content) throws IOException {
        try {
            AtomicFiles.write(file, content);
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }
}
