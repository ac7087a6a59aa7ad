package io.suffice.encoders.onnx;

import ai.onnx.proto.OnnxMl;

import java.nio.file.Path;

/**
 * The default-domain ({@code ai.onnx}) opsets the bundled ONNX Runtime (1.24.1) supports: 7 to 25. ONNX Runtime
 * itself refuses newer opsets with a long message ("Current official support for domain ai.onnx is till opset 25");
 * older ones than 7 load with warnings but are outside what it guarantees. Checked before a session is made so the
 * message names the file, its opset and the range. Stateless.
 */
public final class OpsetSupport {
    /** Oldest default-domain opset ONNX Runtime guarantees (ONNX 1.2). */
    public static final long MIN_OPSET = 7;
    /** Newest default-domain opset ONNX Runtime 1.24.1 supports (measured: 26 is refused). */
    public static final long MAX_OPSET = 25;

    private OpsetSupport() {
    }

    /** @throws IllegalArgumentException when the model's ai.onnx opset is missing or outside the range */
    public static void check(Path file, OnnxMl.ModelProto model) {
        long opset = -1;
        for (OnnxMl.OperatorSetIdProto o : model.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = o.getVersion();
            }
        }
        if (opset < 0) {
            throw new IllegalArgumentException(file + " imports no ai.onnx opset; supported opsets are "
                    + MIN_OPSET + " to " + MAX_OPSET);
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new IllegalArgumentException(file + " uses ai.onnx opset " + opset
                    + ", which the bundled ONNX Runtime does not support (supported: opsets " + MIN_OPSET + " to "
                    + MAX_OPSET + ")" + (opset > MAX_OPSET
                    ? "; re-export it with an older opset, e.g. torch.onnx.export(..., opset_version=17)" : ""));
        }
    }
}
