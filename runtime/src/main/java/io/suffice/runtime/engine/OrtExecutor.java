package io.suffice.runtime.engine;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link Executor} on ONNX Runtime. Each compiled function is one ONNX model and one {@link OrtSession}, created with
 * the configured threads and optimisation level and, for {@code cuda[:N]}, the CUDA execution provider. Whether that
 * provider loads is probed once, in the constructor: when it cannot (CPU-only artifact, no GPU, missing CUDA 12 /
 * cuDNN 9 libraries) the reason is logged and the executor runs on the CPU, or the constructor throws, as
 * {@link ExecutionConfig#cpuFallback()} says. Thread-safe; closes every session it opened.
 */
public final class OrtExecutor implements Executor {
    private static final Logger LOG = LoggerFactory.getLogger(OrtExecutor.class);

    private final OrtEnvironment env;
    private final ExecutionConfig requested;
    private final ExecutionConfig effective;
    private final String fallbackReason;
    private final Map<Key, OrtExecutable> cache = new LinkedHashMap<>();
    private final List<OrtFileExecutable> loaded = new ArrayList<>();
    private int sessionsOpened;
    private boolean closed;

    private record Key(Graph graph, List<Value> inputs, List<String> outputNames, List<Value> outputs) {
    }

    public OrtExecutor(ExecutionConfig config) {
        this.env = OrtEnvironment.getEnvironment();
        this.requested = config;
        String reason = config.isCuda() ? probeCuda(config) : null;
        if (reason != null) {
            String msg = "CUDA execution provider for device '" + config.device() + "' is unavailable: " + reason;
            if (!config.cpuFallback()) {
                throw new IllegalStateException(msg + " (CPU fallback disabled)");
            }
            LOG.warn("{}; falling back to the CPU", msg);
            this.effective = config.withDevice("cpu");
        } else {
            this.effective = config;
        }
        this.fallbackReason = reason;
    }

    /** Why the requested CUDA device was replaced by the CPU, or null when it was not. */
    public String fallbackReason() {
        return fallbackReason;
    }

    /** The configuration asked for (before any fallback). */
    public ExecutionConfig requested() {
        return requested;
    }

    @Override
    public ExecutionConfig config() {
        return effective;
    }

    /**
     * The CUDA provider may be absent from the artifact, present but unable to load its native libraries, or loaded
     * but without a device. A one-node session is opened to find out, since some failures only show at session
     * creation.
     */
    private String probeCuda(ExecutionConfig config) {
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this build uses an ONNX Runtime artifact without CUDA support (available providers: "
                    + OrtEnvironment.getAvailableProviders() + "); build with -Pgpu to use onnxruntime_gpu";
        }
        io.suffice.api.graph.Graph g = new io.suffice.api.graph.Graph(0);
        Value x = g.input("x", io.suffice.api.tensor.DType.FLOAT32, 1);
        byte[] probe = OnnxLowering.lower("cuda-probe", List.of(x), Map.of("y", g.identity(x)), Map.of())
                .toByteArray();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.addCUDA(config.cudaDevice());
            env.createSession(probe, o).close();
            return null;
        } catch (OrtException | RuntimeException | LinkageError e) {
            return classifyCudaFailure(String.valueOf(e.getMessage()));
        }
    }

    /** Turns ONNX Runtime's CUDA error text into a reason a user can act on (the raw text is kept). */
    static String classifyCudaFailure(String message) {
        String m = message.toLowerCase(java.util.Locale.ROOT);
        String why;
        if (m.contains("cannot open shared object") || m.contains("failed to load library")
                || m.contains("libcu") || m.contains("cudnn")) {
            why = "the CUDA 12 / cuDNN 9 libraries could not be loaded";
        } else if (m.contains("no cuda-capable device") || m.contains("cuda failure 100")
                || m.contains("invalid device ordinal") || m.contains("cuda failure 101")) {
            why = "no usable GPU is visible (or the device ordinal does not exist)";
        } else if (m.contains("driver")) {
            why = "the NVIDIA driver is missing or too old for CUDA 12";
        } else {
            why = "the CUDA provider failed to initialise";
        }
        return why + " (ONNX Runtime: " + message.strip() + ")";
    }

    OrtSession.SessionOptions sessionOptions() throws OrtException {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            if (effective.intraOpThreads() > 0) {
                o.setIntraOpNumThreads(effective.intraOpThreads());
            }
            if (effective.interOpThreads() > 0) {
                o.setInterOpNumThreads(effective.interOpThreads());
            }
            o.setOptimizationLevel(switch (effective.optLevel()) {
                case NONE -> OrtSession.SessionOptions.OptLevel.NO_OPT;
                case BASIC -> OrtSession.SessionOptions.OptLevel.BASIC_OPT;
                case EXTENDED -> OrtSession.SessionOptions.OptLevel.EXTENDED_OPT;
                case ALL -> OrtSession.SessionOptions.OptLevel.ALL_OPT;
            });
            o.addConfigEntry("session.intra_op.allow_spinning", effective.spinWait() ? "1" : "0");
            if (effective.isCuda()) {
                o.addCUDA(effective.cudaDevice());
            }
            // The memory pattern plans one block for all of a run's intermediates from the first run; the arena
            // alone reuses freed blocks instead, which measured the same speed and 42% less peak memory for the clip
            // step (580 MB against 1,000 MB at the CPU size; docs/PERFORMANCE.md).
            o.setMemoryPatternOptimization(false);
            if (effective.profileDir() != null) {
                // one file pair per session: ONNX Runtime appends a timestamp to the profile's prefix itself
                String session = "session-" + (++sessionsOpened);
                o.enableProfiling(effective.profileDir().resolve("ort-profile-" + session).toString());
                o.setOptimizedModelFilePath(effective.profileDir().resolve("optimized-" + session + ".onnx")
                        .toString());
            }
            return o;
        } catch (OrtException | RuntimeException e) {
            o.close();
            throw e;
        }
    }

    @Override
    public synchronized Executable compile(Graph graph, List<Value> inputs, Map<String, Value> outputs) {
        if (closed) {
            throw new IllegalStateException("executor is closed");
        }
        Key key = new Key(graph, List.copyOf(inputs), List.copyOf(outputs.keySet()),
                List.copyOf(outputs.values()));
        cache.values().removeIf(OrtExecutable::isClosed); // closed by their owners (TrainStep.close)
        OrtExecutable cached = cache.get(key);
        if (cached != null && !cached.isClosed()) {
            return cached;
        }
        var model = OnnxLowering.lower("suffice", inputs, outputs, Map.of());
        try (OrtSession.SessionOptions o = sessionOptions()) {
            OrtSession session;
            try {
                session = env.createSession(model.toByteArray(), o);
            } catch (OrtException e) {
                if (!String.valueOf(e.getMessage()).contains("com.microsoft")) {
                    throw e;
                }
                // ONNX Runtime's fusions emit contrib ops (FusedMatMul) that exist for float32 only; a float64
                // graph then fails, so retry without graph optimisations.
                LOG.debug("retrying without optimisations: {}", e.getMessage());
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
                session = env.createSession(model.toByteArray(), o);
            }
            OrtExecutable ex = new OrtExecutable(env, session, new ArrayList<>(inputs), new LinkedHashMap<>(outputs),
                    effective.checkFinite(), effective.profileDir() != null);
            cache.put(key, ex);
            return ex;
        } catch (OrtException e) {
            throw new IllegalStateException("ONNX Runtime rejected the lowered model for outputs " + outputs.keySet()
                    + ": " + describe(e), e);
        }
    }

    /** Opens {@code onnxFile} by path, so that ONNX Runtime resolves external data next to it. */
    @Override
    public synchronized Executable load(Path onnxFile) {
        if (closed) {
            throw new IllegalStateException("executor is closed");
        }
        if (!Files.isRegularFile(onnxFile)) {
            throw new IllegalArgumentException("no ONNX model file at " + onnxFile);
        }
        loaded.removeIf(OrtFileExecutable::isClosed);
        try (OrtSession.SessionOptions o = sessionOptions()) {
            OrtSession session = env.createSession(onnxFile.toString(), o);
            try {
                OrtFileExecutable ex = new OrtFileExecutable(env, session, onnxFile);
                loaded.add(ex);
                return ex;
            } catch (OrtException | RuntimeException e) {
                session.close();
                throw e;
            }
        } catch (OrtException e) {
            throw new IllegalArgumentException("ONNX Runtime cannot load " + onnxFile + ": " + describe(e), e);
        }
    }

    /**
     * ONNX Runtime's message in one line: without its error-code prefix, the C++ source location and function
     * signature, or the trailing newline (it ends up in a one-line CLI error).
     */
    static String describe(OrtException e) {
        String m = String.valueOf(e.getMessage());
        m = m.replaceFirst("^Error code - \\w+ - message: ", "");
        m = m.replaceAll("/onnxruntime_src/\\S+:\\d+ [^(]*\\([^)]*\\)\\s*", "");
        return m.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (OrtExecutable e : cache.values()) {
            e.close();
        }
        cache.clear();
        loaded.forEach(OrtFileExecutable::close);
        loaded.clear();
    }
}
