package io.suffice.runtime.engine;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.suffice.api.graph.Executable;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ONNX model file opened as a frozen function ({@link OrtExecutor#load}). Inputs are wrapped zero-copy over the
 * callers' direct buffers for the duration of one run; outputs are copied into fresh {@link HostTensor}s, since a
 * loaded model's output shapes are generally symbolic. Not thread-safe; closes its session and every tensor it made.
 */
final class OrtFileExecutable implements Executable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final Path file;
    private final Map<String, TensorInfo> inputs = new LinkedHashMap<>();
    private final List<String> outputNames;
    private boolean closed;

    OrtFileExecutable(OrtEnvironment env, OrtSession session, Path file) throws OrtException {
        this.env = env;
        this.session = session;
        this.file = file;
        for (Map.Entry<String, NodeInfo> e : session.getInputInfo().entrySet()) {
            if (!(e.getValue().getInfo() instanceof TensorInfo t)) {
                throw new IllegalArgumentException(file + ": input '" + e.getKey() + "' is not a tensor ("
                        + e.getValue().getInfo() + "); only tensor inputs are supported");
            }
            inputs.put(e.getKey(), t);
        }
        this.outputNames = List.copyOf(session.getOutputNames());
    }

    @Override
    public List<String> inputNames() {
        return List.copyOf(inputs.keySet());
    }

    @Override
    public List<String> outputNames() {
        return outputNames;
    }

    boolean isClosed() {
        return closed;
    }

    /** Outputs are freshly allocated on every run (the caller may keep them). */
    @Override
    public Map<String, HostTensor> run(Map<String, HostTensor> feeds) {
        if (closed) {
            throw new IllegalStateException("executable of " + file + " is closed");
        }
        validate(feeds);
        Map<String, OnnxTensor> wrapped = new LinkedHashMap<>();
        try {
            for (String name : inputs.keySet()) {
                wrapped.put(name, OrtExecutable.wrap(env, feeds.get(name)));
            }
            try (OrtSession.Result r = session.run(wrapped)) {
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (String name : outputNames) {
                    OnnxValue v = r.get(name).orElseThrow();
                    if (!(v instanceof OnnxTensor t)) {
                        throw new IllegalStateException(file + ": output '" + name + "' is not a tensor");
                    }
                    out.put(name, copyOut(name, t));
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run " + file + ": " + OrtExecutor.describe(e), e);
        } finally {
            wrapped.values().forEach(OnnxTensor::close);
        }
    }

    private HostTensor copyOut(String name, OnnxTensor t) {
        DType dtype = dtype(t.getInfo().type);
        if (dtype == null) {
            throw new IllegalStateException(file + ": output '" + name + "' has element type " + t.getInfo().type
                    + ", which suffice cannot hold");
        }
        HostTensor h = HostTensor.zeros(dtype, Shape.of(t.getInfo().getShape()));
        ByteBuffer src = t.getByteBuffer().order(ByteOrder.nativeOrder());
        h.buffer().put(src);
        return h;
    }

    private void validate(Map<String, HostTensor> feeds) {
        for (String k : feeds.keySet()) {
            if (!inputs.containsKey(k)) {
                throw new IllegalArgumentException("unknown input '" + k + "' for " + file.getFileName()
                        + "; its inputs are " + describeInputs());
            }
        }
        for (Map.Entry<String, TensorInfo> e : inputs.entrySet()) {
            String name = e.getKey();
            TensorInfo info = e.getValue();
            HostTensor h = feeds.get(name);
            if (h == null) {
                throw new IllegalArgumentException("missing input '" + name + "' for " + file.getFileName()
                        + "; its inputs are " + describeInputs());
            }
            DType want = dtype(info.type);
            if (h.dtype() != want) {
                throw new IllegalArgumentException("input '" + name + "' has dtype " + h.dtype() + " but "
                        + file.getFileName() + " expects " + info.type);
            }
            long[] dims = info.getShape();
            if (h.shape().rank() != dims.length) {
                throw new IllegalArgumentException("input '" + name + "' has rank " + h.shape().rank() + " (shape "
                        + h.shape() + ") but " + file.getFileName() + " expects rank " + dims.length + " "
                        + Arrays.toString(dims));
            }
            for (int i = 0; i < dims.length; i++) {
                if (dims[i] > 0 && dims[i] != h.shape().dim(i)) {
                    throw new IllegalArgumentException("input '" + name + "' has shape " + h.shape() + " but "
                            + file.getFileName() + " fixes dimension " + i + " to " + dims[i]);
                }
            }
        }
    }

    private String describeInputs() {
        List<String> l = new ArrayList<>();
        inputs.forEach((n, t) -> l.add(n + ":" + t.type + Arrays.toString(t.getShape())));
        return l.toString();
    }

    /** The suffice dtype of an ONNX Runtime element type, or null when there is none. */
    static DType dtype(OnnxJavaType t) {
        return switch (t) {
            case FLOAT -> DType.FLOAT32;
            case DOUBLE -> DType.FLOAT64;
            case INT64 -> DType.INT64;
            case INT32 -> DType.INT32;
            case BOOL -> DType.BOOL;
            default -> null;
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("closing session of " + file + ": " + e.getMessage(), e);
        }
    }
}
