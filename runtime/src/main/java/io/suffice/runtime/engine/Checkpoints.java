package io.suffice.runtime.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads and writes {@link Checkpoint}s in the safetensors format (8-byte little-endian header length, a JSON header
 * mapping tensor names to dtype, shape and byte offsets, then the raw little-endian data), which Python reads with
 * the {@code safetensors} package or a few lines of numpy. Tensors are named {@code param/<name>} and
 * {@code optim/<key>}; step, RNG state and metadata go into the header's {@code __metadata__} (string values).
 * Writes are atomic (temporary file, fsync, ATOMIC_MOVE). Stateless and thread-safe.
 */
public final class Checkpoints {
    /** Value of {@code __metadata__.format}. */
    public static final String FORMAT = "suffice-checkpoint-1";
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    /**
     * A checkpoint holding copies of the live state, so training can continue while (or after) it is written.
     *
     * @param step     completed steps
     * @param rngState the run's serialised random-source state (may be empty)
     */
    public static Checkpoint capture(long step, io.suffice.api.graph.ParameterStore store,
                                     io.suffice.api.optim.Optimizer optimizer, String rngState) {
        Map<String, HostTensor> params = new LinkedHashMap<>();
        store.asMap().forEach((k, v) -> params.put(k, v.copy()));
        Map<String, HostTensor> state = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> state.put(k, v.copy()));
        return new Checkpoint(step, params, state, rngState, Map.of());
    }

    /** Loads parameters and optimizer state from {@code c}; returns the step to continue from. */
    public static long restore(Checkpoint c, io.suffice.api.graph.ParameterStore store,
                               io.suffice.api.optim.Optimizer optimizer) {
        store.load(c.params());
        optimizer.restore(c.optimizerState());
        return c.step();
    }

    public static void write(Path file, Checkpoint c) throws IOException {
        Map<String, HostTensor> all = new LinkedHashMap<>();
        new TreeMap<>(c.params()).forEach((k, v) -> all.put("param/" + k, v));
        new TreeMap<>(c.optimizerState()).forEach((k, v) -> all.put("optim/" + k, v));
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(c.step()));
        meta.put("rng", c.rngState() == null ? "" : c.rngState());
        new TreeMap<>(c.metadata()).forEach(meta::put);
        long offset = 0;
        for (var e : all.entrySet()) {
            HostTensor t = e.getValue();
            ObjectNode n = header.putObject(e.getKey());
            n.put("dtype", code(t.dtype()));
            var shape = n.putArray("shape");
            for (long d : t.shape().dims()) {
                shape.add(d);
            }
            long bytes = (long) t.size() * t.dtype().bytes();
            n.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] json = JSON.writeValueAsBytes(header);
        int padded = (json.length + 7) / 8 * 8; // the format allows space padding; keeps data 8-byte aligned
        byte[] head = new byte[padded];
        java.util.Arrays.fill(head, (byte) ' ');
        System.arraycopy(json, 0, head, 0, json.length);
        OnnxExport.writeAtomically(file, out -> {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
            out.write(len.array());
            out.write(head);
            byte[] chunk = new byte[1 << 16];
            for (HostTensor t : all.values()) {
                ByteBuffer b = t.buffer().order(ByteOrder.LITTLE_ENDIAN);
                requireLittleEndian();
                while (b.hasRemaining()) {
                    int n = Math.min(chunk.length, b.remaining());
                    b.get(chunk, 0, n);
                    out.write(chunk, 0, n);
                }
            }
        });
    }

    public static Checkpoint read(Path file) throws IOException {
        requireLittleEndian();
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(ch, len, file);
            long n = len.flip().getLong();
            if (n <= 0 || n > 100_000_000 || n > ch.size() - 8) {
                throw new IOException(file + " is not a safetensors file (header length " + n + ")");
            }
            ByteBuffer head = ByteBuffer.allocate((int) n);
            readFully(ch, head, file);
            JsonNode header = JSON.readTree(new String(head.array(), StandardCharsets.UTF_8).trim());
            long dataStart = 8 + n;
            JsonNode meta = header.path("__metadata__");
            if (!FORMAT.equals(meta.path("format").asText())) {
                throw new IOException(file + " is not a suffice checkpoint (format '" + meta.path("format").asText()
                        + "')");
            }
            Map<String, HostTensor> params = new LinkedHashMap<>();
            Map<String, HostTensor> optim = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                JsonNode t = e.getValue();
                List<Long> dims = new ArrayList<>();
                t.path("shape").forEach(d -> dims.add(d.asLong()));
                HostTensor h = HostTensor.zeros(dtype(t.path("dtype").asText()),
                        Shape.of(dims.stream().mapToLong(x -> x).toArray()));
                long begin = t.path("data_offsets").get(0).asLong();
                long end = t.path("data_offsets").get(1).asLong();
                if (end - begin != (long) h.size() * h.dtype().bytes()) {
                    throw new IOException("tensor " + e.getKey() + " in " + file + " has inconsistent offsets");
                }
                ByteBuffer dst = h.buffer();
                ch.position(dataStart + begin);
                readFully(ch, dst, file);
                String key = e.getKey();
                if (key.startsWith("param/")) {
                    params.put(key.substring(6), h);
                } else if (key.startsWith("optim/")) {
                    optim.put(key.substring(6), h);
                }
            }
            Map<String, String> extra = new LinkedHashMap<>();
            meta.properties().forEach(e -> {
                if (!List.of("format", "step", "rng").contains(e.getKey())) {
                    extra.put(e.getKey(), e.getValue().asText());
                }
            });
            return new Checkpoint(Long.parseLong(meta.path("step").asText("0")), params, optim,
                    meta.path("rng").asText(""), extra);
        }
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new IOException(file + " is truncated");
            }
        }
    }

    private static void requireLittleEndian() {
        if (ByteOrder.nativeOrder() != ByteOrder.LITTLE_ENDIAN) {
            throw new UnsupportedOperationException("big-endian hosts are not supported");
        }
    }

    static String code(DType t) {
        return switch (t) {
            case FLOAT32 -> "F32";
            case FLOAT64 -> "F64";
            case INT64 -> "I64";
            case INT32 -> "I32";
            case BOOL -> "BOOL";
        };
    }

    static DType dtype(String code) throws IOException {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "BOOL" -> DType.BOOL;
            default -> throw new IOException("unsupported safetensors dtype " + code);
        };
    }
}
