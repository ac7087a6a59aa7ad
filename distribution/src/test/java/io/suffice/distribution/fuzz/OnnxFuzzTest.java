package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.encoders.onnx.OnnxFileEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoderSettings;
import io.suffice.encoders.onnx.OnnxModelInspector;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.AfterAll;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * ONNX model files the three ways a user hands one over: {@code suffice onnx inspect}, the {@code onnx-file} encoder
 * loaded frozen (an ONNX Runtime session: native code fed whatever passed the Java checks), and imported trainable
 * into a suffice graph. Bad input must be an {@link IllegalArgumentException} (or a {@code GraphBuildException} from
 * the graph builder) thrown by suffice code with one line; the JVM must survive the native load.
 */
class OnnxFuzzTest {
    private static final OrtExecutor EXECUTOR = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));

    @AfterAll
    static void close() {
        EXECUTOR.close();
    }

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void inspect(byte[] input) {
        Path file = FuzzContract.file("model.onnx", input);
        try {
            FuzzContract.check("onnx-inspect", input, () -> OnnxModelInspector.inspect(file).describe(),
                    IllegalArgumentException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void frozenLoad(byte[] input) {
        Path file = FuzzContract.file("model.onnx", input);
        try {
            FuzzContract.check("onnx-frozen", input, () -> {
                OnnxFileEncoder encoder = new OnnxFileEncoder(OnnxFileEncoderSettings.of(file));
                EXECUTOR.load(file).close(); // a session was made: what the frozen encoder runs
                encoder.fields();
            }, IllegalArgumentException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void trainableImport(byte[] input) {
        Path file = FuzzContract.file("model.onnx", input);
        try {
            FuzzContract.check("onnx-import", input, () -> {
                OnnxFileEncoder encoder = new OnnxFileEncoder(OnnxFileEncoderSettings.of(file).withTrainable(true));
                Graph graph = new Graph(1);
                Map<String, Value> inputs = new LinkedHashMap<>();
                for (OnnxModelInfo.TensorSpec s : encoder.info().inputs()) {
                    DType dtype = s.dtype() != null ? s.dtype() : DType.FLOAT32;
                    long[] dims = new long[Math.max(0, s.rank())];
                    for (int i = 0; i < dims.length; i++) {
                        // symbolic or absurd dims become 2: the import, not the allocation, is under test
                        String d = s.dims().get(i);
                        dims[i] = s.isFixed(i) && d.length() <= 2 ? Math.max(Long.parseLong(d), 1) : 2;
                    }
                    inputs.put(s.name(), graph.input(s.name(), dtype, dims));
                }
                encoder.forward(graph, inputs);
            }, IllegalArgumentException.class); // GraphBuildException is one
        } finally {
            FuzzContract.delete(file);
        }
    }
}
