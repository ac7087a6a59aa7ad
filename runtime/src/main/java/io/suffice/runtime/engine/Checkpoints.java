package io.suffice.runtime.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.io.AtomicFiles;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
 * the {@code safetensors} package. Tensors are named {@code param/<name>}, {@code optim/<key>} and
 * {@code carried/<name>}; the step and the string metadata go into the header's {@code __metadata__} (safetensors
 * allows string values only), with {@code format = suffice-checkpoint-1}. Writes are atomic ({@link AtomicFiles}).
 * <p>
 * Every defect of a file given as a checkpoint (missing, empty, truncated, not safetensors, not a suffice checkpoint,
 * inconsistent offsets) is a {@link CheckpointException} with one line naming the file and the defect, never the
 * file's content. Stateless and thread-safe.
 */
public final class Checkpoints {
    /** Value of {@code __metadata__.format}. */
    public static final String FORMAT = "suffice-checkpoint-1";
    private static final String PARAM = "param/";
    private static final String OPTIM = "optim/";
    private static final String CARRIED = "carried/";
    /** Headers above this are not ours (a checkpoint's header is a few KB per hundred tensors). */
    private static final long MAX_HEADER = 100_000_000L;
    private static final ObjectMapper JSON = new ObjectMapper();

    private Checkpoints() {
    }

    /** A checkpoint file is unusable; the message is one line naming the file and the defect. */
    public static final class CheckpointException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;

        public CheckpointException(Path file, String defect) {
            super("checkpoint " + file + ": " + oneLine(defect));
        }

        /**
         * The defect as one short line: a tensor name or key from the header may hold line breaks or run to any
         * length, so control characters are written as Unicode escapes and the text is cut at 600 characters.
         */
        private static String oneLine(String defect) {
            StringBuilder b = new StringBuilder();
            defect.codePoints().forEach(c -> {
                if (Character.isISOControl(c)) {
                    b.append(String.format("\\u%04x", c));
                } else {
                    b.appendCodePoint(c);
                }
            });
            return b.length() <= 600 ? b.toString() : b.substring(0, 600) + "... (" + b.length() + " characters)";
        }
    }

    /**
     * A checkpoint holding copies of the live state, so training can continue while (or after) it is written.
     *
     * @param step completed steps
     */
    public static Checkpoint capture(long step, ParameterStore store, Optimizer optimizer,
                                     Map<String, HostTensor> carried, Map<String, String> metadata) {
        Map<String, HostTensor> params = new LinkedHashMap<>();
        store.asMap().forEach((k, v) -> params.put(k, v.copy()));
        Map<String, HostTensor> state = new LinkedHashMap<>();
        optimizer.state().forEach((k, v) -> state.put(k, v.copy()));
        Map<String, HostTensor> c = new LinkedHashMap<>();
        carried.forEach((k, v) -> c.put(k, v.copy()));
        return new Checkpoint(step, params, state, c, metadata);
    }

    /**
     * Loads parameters and optimizer state from {@code c} after checking that its parameters are exactly the
     * store's; returns the step to continue from.
     *
     * @throws IllegalArgumentException naming {@code source} and the first missing, extra or mismatching tensor
     *                                  with both shapes
     */
    public static long restore(Checkpoint c, Object source, ParameterStore store, Optimizer optimizer) {
        for (String name : store.names()) {
            HostTensor have = store.get(name);
            HostTensor got = c.params().get(name);
            if (got == null) {
                throw new IllegalArgumentException("checkpoint " + source + " has no parameter '" + name
                        + "' of the model (it holds " + abbreviate(c.params().keySet()) + ")");
            }
            if (got.dtype() != have.dtype() || !got.shape().equals(have.shape())) {
                throw new IllegalArgumentException("checkpoint " + source + ": parameter '" + name + "' is "
                        + got.dtype() + got.shape() + " there but " + have.dtype() + have.shape() + " in the model");
            }
        }
        for (String name : c.params().keySet()) {
            if (!store.asMap().containsKey(name)) {
                throw new IllegalArgumentException("checkpoint " + source + " has parameter '" + name
                        + "' that the model lacks");
            }
        }
        store.load(c.params());
        optimizer.restore(c.optimizerState());
        return c.step();
    }

    private static String abbreviate(java.util.Collection<String> names) {
        List<String> l = new ArrayList<>(names);
        return l.size() <= 6 ? l.toString() : l.subList(0, 6) + " and " + (l.size() - 6) + " more";
    }

    public static void write(Path file, Checkpoint c) throws IOException {
        requireLittleEndian();
        Map<String, HostTensor> all = new LinkedHashMap<>();
        new TreeMap<>(c.params()).forEach((k, v) -> all.put(PARAM + k, v));
        new TreeMap<>(c.optimizerState()).forEach((k, v) -> all.put(OPTIM + k, v));
        new TreeMap<>(c.carried()).forEach((k, v) -> all.put(CARRIED + k, v));
        ObjectNode header = JSON.createObjectNode();
        ObjectNode meta = header.putObject("__metadata__");
        meta.put("format", FORMAT);
        meta.put("step", Long.toString(c.step()));
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
        try {
            AtomicFiles.write(file, out -> {
                ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(padded);
                out.write(len.array());
                out.write(head);
                byte[] chunk = new byte[1 << 16];
                for (HostTensor t : all.values()) {
                    ByteBuffer b = t.buffer().order(ByteOrder.LITTLE_ENDIAN);
                    while (b.hasRemaining()) {
                        int n = Math.min(chunk.length, b.remaining());
                        b.get(chunk, 0, n);
                        out.write(chunk, 0, n);
                    }
                }
            });
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The header's {@code __metadata__} (format, step and the rest) without reading any tensor. */
    public static Map<String, String> metadata(Path file) {
        try (FileChannel ch = open(file)) {
            JsonNode header = header(ch, file);
            Map<String, String> m = new LinkedHashMap<>();
            header.path("__metadata__").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
            return m;
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e.getMessage());
        }
    }

    public static Checkpoint read(Path file) {
        requireLittleEndian();
        try (FileChannel ch = open(file)) {
            JsonNode header = header(ch, file);
            long dataStart = ch.position();
            long dataBytes = ch.size() - dataStart;
            Map<String, HostTensor> params = new LinkedHashMap<>();
            Map<String, HostTensor> optim = new LinkedHashMap<>();
            Map<String, HostTensor> carried = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : header.properties()) {
                if (e.getKey().equals("__metadata__")) {
                    continue;
                }
                HostTensor h = tensor(file, e.getKey(), e.getValue(), ch, dataStart, dataBytes);
                String key = e.getKey();
                if (key.startsWith(PARAM)) {
                    params.put(key.substring(PARAM.length()), h);
                } else if (key.startsWith(OPTIM)) {
                    optim.put(key.substring(OPTIM.length()), h);
                } else if (key.startsWith(CARRIED)) {
                    carried.put(key.substring(CARRIED.length()), h);
                }
            }
            Map<String, String> meta = new LinkedHashMap<>();
            header.path("__metadata__").properties().forEach(e -> meta.put(e.getKey(), e.getValue().asText()));
            long step;
            try {
                step = Long.parseLong(meta.remove("step"));
            } catch (NumberFormatException e) {
                throw new CheckpointException(file, "its metadata has no valid step");
            }
            if (step < 0) {
                throw new CheckpointException(file, "its metadata gives a negative step, " + step);
            }
            meta.remove("format");
            return new Checkpoint(step, params, optim, carried, meta);
        } catch (IOException e) {
            throw new CheckpointException(file, "cannot be read: " + e.getMessage());
        }
    }

    private static FileChannel open(Path file) throws IOException {
        if (Files.isDirectory(file)) {
            throw new CheckpointException(file, "is a folder, not a checkpoint file");
        }
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new CheckpointException(file, "no such file");
        }
    }

    /** Reads and checks the header; leaves the channel at the first data byte. */
    private static JsonNode header(FileChannel ch, Path file) throws IOException {
        long size = ch.size();
        if (size == 0) {
            throw new CheckpointException(file, "the file is empty");
        }
        if (size < 8) {
            throw new CheckpointException(file, "not a safetensors file (" + size + " bytes, shorter than the "
                    + "8-byte header length)");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, file);
        long n = len.flip().getLong();
        if (n <= 1 || n > MAX_HEADER) {
            throw new CheckpointException(file, "not a safetensors file (its first 8 bytes give a header length of "
                    + n + ")");
        }
        if (n > size - 8) {
            throw new CheckpointException(file, "truncated: the header needs " + n + " bytes, the file has "
                    + (size - 8) + " after the length");
        }
        ByteBuffer head = ByteBuffer.allocate((int) n);
        readFully(ch, head, file);
        String text = new String(head.array(), StandardCharsets.UTF_8).trim();
        JsonNode header;
        try {
            header = text.startsWith("{") ? JSON.readTree(text) : null;
        } catch (JsonProcessingException e) {
            header = null;
        }
        if (header == null || !header.isObject()) {
            throw new CheckpointException(file, "not a safetensors file (its header is not a JSON object)");
        }
        String format = header.path("__metadata__").path("format").asText("");
        if (!FORMAT.equals(format)) {
            throw new CheckpointException(file, "a safetensors file but not a suffice checkpoint (format '"
                    + (format.length() > 40 ? format.substring(0, 40) + "..." : format) + "', expected '" + FORMAT
                    + "')");
        }
        return header;
    }

    private static HostTensor tensor(Path file, String name, JsonNode t, FileChannel ch, long dataStart,
                                     long dataBytes) throws IOException {
        List<Long> dims = new ArrayList<>();
        t.path("shape").forEach(d -> dims.add(d.asLong()));
        JsonNode offsets = t.path("data_offsets");
        if (!offsets.isArray() || offsets.size() != 2 || dims.stream().anyMatch(d -> d < 0)) {
            throw new CheckpointException(file, "tensor '" + name + "' has no valid shape and data_offsets");
        }
        DType dtype = dtype(t.path("dtype").asText(), file, name);
        long begin = offsets.get(0).asLong();
        long end = offsets.get(1).asLong();
        long count = 1;
        for (long d : dims) {
            count = Math.multiplyExact(count, d);
        }
        if (end - begin != count * dtype.bytes() || begin < 0) {
            throw new CheckpointException(file, "tensor '" + name + "' has offsets " + begin + ".." + end
                    + " that do not fit its shape " + dims);
        }
        if (end > dataBytes) {
            throw new CheckpointException(file, "truncated: tensor '" + name + "' ends at data byte " + end
                    + " but the file holds " + dataBytes);
        }
        HostTensor h = HostTensor.zeros(dtype, Shape.of(dims.stream().mapToLong(x -> x).toArray()));
        ch.position(dataStart + begin);
        readFully(ch, h.buffer(), file);
        return h;
    }

    private static void readFully(FileChannel ch, ByteBuffer b, Path file) throws IOException {
        while (b.hasRemaining()) {
            if (ch.read(b) < 0) {
                throw new CheckpointException(file, "truncated");
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

    private static DType dtype(String code, Path file, String name) {
        return switch (code) {
            case "F32" -> DType.FLOAT32;
            case "F64" -> DType.FLOAT64;
            case "I64" -> DType.INT64;
            case "I32" -> DType.INT32;
            case "BOOL" -> DType.BOOL;
            default -> throw new CheckpointException(file, "tensor '" + name + "' has dtype '" + code
                    + "', which suffice does not write");
        };
    }
}
