package io.suffice.runtime.engine;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One ONNX Runtime session plus the native tensors around it. Inputs are wrapped zero-copy over the callers' direct
 * buffers and the wrappers are reused while the caller passes the same {@link HostTensor} (parameters, a reused
 * batch buffer). Outputs with a static shape are pinned: ONNX Runtime writes them straight into buffers this object
 * owns, so a steady-state step allocates only the small result map. Outputs with a symbolic shape are copied out.
 * Not thread-safe.
 */
final class OrtExecutable implements Executable {
    private final OrtEnvironment env;
    private final OrtSession session;
    private final List<Value> inputs;
    private final List<String> inputNames;
    private final Map<String, Value> outputs;
    private final boolean checkFinite;
    private final boolean profiling;
    private final Map<String, HostTensor> lastFeed = new HashMap<>();
    private final Map<String, OnnxTensor> inputTensors = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> pinned = new LinkedHashMap<>();
    private final Map<String, HostTensor> outHost = new LinkedHashMap<>();
    private final Set<String> dynamicOutputs = new LinkedHashSet<>();
    private boolean closed;

    OrtExecutable(OrtEnvironment env, OrtSession session, List<Value> inputs, Map<String, Value> outputs,
                  boolean checkFinite, boolean profiling) throws OrtException {
        this.env = env;
        this.profiling = profiling;
        this.session = session;
        this.inputs = inputs;
        this.inputNames = inputs.stream().map(Value::name).toList();
        this.outputs = outputs;
        this.checkFinite = checkFinite;
        try {
            for (var e : outputs.entrySet()) {
                Value v = e.getValue();
                if (v.shape().isStatic()) {
                    HostTensor h = HostTensor.zeros(v.dtype(), v.shape());
                    outHost.put(e.getKey(), h);
                    pinned.put(e.getKey(), wrap(env, h));
                } else {
                    dynamicOutputs.add(e.getKey());
                }
            }
        } catch (OrtException | RuntimeException ex) {
            close();
            throw ex;
        }
    }

    @Override
    public List<String> inputNames() {
        return inputNames;
    }

    @Override
    public List<String> outputNames() {
        return List.copyOf(outputs.keySet());
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public Map<String, HostTensor> run(Map<String, HostTensor> feeds) {
        if (closed) {
            throw new IllegalStateException("executable is closed");
        }
        validate(feeds);
        try {
            for (Value in : inputs) {
                HostTensor h = feeds.get(in.name());
                if (lastFeed.get(in.name()) != h) {
                    OnnxTensor old = inputTensors.remove(in.name());
                    if (old != null) {
                        old.close();
                    }
                    inputTensors.put(in.name(), wrap(env, h));
                    lastFeed.put(in.name(), h);
                }
            }
            try (OrtSession.Result r = dynamicOutputs.isEmpty() ? session.run(inputTensors, pinned)
                    : session.run(inputTensors, dynamicOutputs, pinned)) {
                Map<String, HostTensor> out = new LinkedHashMap<>();
                for (String name : outputs.keySet()) {
                    HostTensor h = outHost.get(name);
                    if (dynamicOutputs.contains(name)) {
                        OnnxValue v = r.get(name).orElseThrow();
                        h = copyOut(name, (OnnxTensor) v);
                    }
                    out.put(name, h);
                }
                return out;
            }
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime failed to run: " + e.getMessage(), e);
        }
    }

    private HostTensor copyOut(String name, OnnxTensor t) {
        long[] dims = t.getInfo().getShape();
        HostTensor h = outHost.get(name);
        if (h == null || !Arrays.equals(h.shape().dims(), dims)) {
            h = HostTensor.zeros(outputs.get(name).dtype(), Shape.of(dims));
            outHost.put(name, h);
        }
        ByteBuffer src = t.getByteBuffer().order(ByteOrder.nativeOrder());
        h.buffer().put(src);
        return h;
    }

    /** Checks presence, dtype, rank, static dims, a consistent batch size and (optionally) finiteness. */
    private void validate(Map<String, HostTensor> feeds) {
        for (String k : feeds.keySet()) {
            if (!inputNames.contains(k)) {
                throw new IllegalArgumentException("unknown input '" + k + "'; expected " + describeInputs());
            }
        }
        long batch = Shape.DYNAMIC;
        String batchFrom = null;
        for (Value in : inputs) {
            HostTensor h = feeds.get(in.name());
            if (h == null) {
                throw new IllegalArgumentException("missing input '" + in.name() + "' (" + in.dtype() + in.shape()
                        + "); expected " + describeInputs());
            }
            if (h.dtype() != in.dtype()) {
                throw new IllegalArgumentException("input '" + in.name() + "' has dtype " + h.dtype()
                        + " but the graph expects " + in.dtype());
            }
            if (h.shape().rank() != in.rank()) {
                throw new IllegalArgumentException("input '" + in.name() + "' has shape " + h.shape()
                        + " but the graph expects " + in.shape());
            }
            for (int i = 0; i < in.rank(); i++) {
                long want = in.shape().dim(i);
                long got = h.shape().dim(i);
                if (want == Shape.DYNAMIC && i > 0) {
                    continue; // other symbolic dims (sequence length) vary independently
                }
                if (want == Shape.DYNAMIC) {
                    if (batch == Shape.DYNAMIC) {
                        batch = got;
                        batchFrom = in.name();
                    } else if (batch != got) {
                        throw new IllegalArgumentException("input '" + in.name() + "' has batch size " + got
                                + " (shape " + h.shape() + ") but input '" + batchFrom + "' has " + batch);
                    }
                } else if (want != got) {
                    throw new IllegalArgumentException("input '" + in.name() + "' has shape " + h.shape()
                            + " but the graph expects " + in.shape() + " (dimension " + i + ")");
                }
            }
            if (checkFinite) {
                checkFinite(in.name(), h);
            }
        }
    }

    private static void checkFinite(String name, HostTensor h) {
        if (h.dtype() == DType.FLOAT32) {
            var b = h.floats();
            for (int i = 0; i < h.size(); i++) {
                if (!Float.isFinite(b.get(i))) {
                    throw nonFinite(name, h, i, b.get(i));
                }
            }
        } else if (h.dtype() == DType.FLOAT64) {
            var b = h.doubles();
            for (int i = 0; i < h.size(); i++) {
                if (!Double.isFinite(b.get(i))) {
                    throw nonFinite(name, h, i, b.get(i));
                }
            }
        }
    }

    private static IllegalArgumentException nonFinite(String name, HostTensor h, int flat, double v) {
        long[] idx = new long[h.shape().rank()];
        long rem = flat;
        for (int i = idx.length - 1; i >= 0; i--) {
            idx[i] = rem % h.shape().dim(i);
            rem /= h.shape().dim(i);
        }
        return new IllegalArgumentException("input '" + name + "' contains " + v + " at index "
                + Arrays.toString(idx) + " (shape " + h.shape() + ")");
    }

    private String describeInputs() {
        List<String> l = new ArrayList<>();
        for (Value v : inputs) {
            l.add(v.name() + ":" + v.dtype() + v.shape());
        }
        return l.toString();
    }

    /** Zero-copy wrapper: direct buffers are handed to ONNX Runtime as they are. */
    static OnnxTensor wrap(OrtEnvironment env, HostTensor h) throws OrtException {
        long[] dims = h.shape().dims();
        return switch (h.dtype()) {
            case FLOAT32 -> OnnxTensor.createTensor(env, h.floats(), dims);
            case FLOAT64 -> OnnxTensor.createTensor(env, h.doubles(), dims);
            case INT64 -> OnnxTensor.createTensor(env, h.longs(), dims);
            case INT32 -> OnnxTensor.createTensor(env, h.buffer().asIntBuffer(), dims);
            case BOOL -> OnnxTensor.createTensor(env, h.buffer(), dims, OnnxJavaType.BOOL);
        };
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        inputTensors.values().forEach(OnnxTensor::close);
        pinned.values().forEach(OnnxTensor::close);
        inputTensors.clear();
        pinned.clear();
        lastFeed.clear();
        try {
            try {
                if (profiling) {
                    session.endProfiling(); // writes the profile file
                }
            } finally {
                session.close();
            }
        } catch (OrtException e) {
            throw new IllegalStateException("closing session: " + e.getMessage(), e);
        }
    }
}
