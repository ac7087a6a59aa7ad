package io.suffice.downstream.clip;

import io.suffice.api.io.AtomicFiles;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The binary checkpoint format the generative tasks still write ({@code GenerativeCheckpoint}); the clip task
 * checkpoints through the training core now ({@code run.checkpoint-every}, safetensors). Goes away with
 * {@code GenerativeCheckpoint} when the generative tasks move onto the core.
 * <p>
 * Originally the clip task's resumable state: completed steps and named tensors (parameters as {@code param/<name>}, optimizer
 * state as {@code optim/<key>}, the recent losses as {@code task/<key>}). A small self-contained binary format
 * (magic, step, then per tensor: name, dtype, dims, little-endian bytes), written atomically (temporary file, fsync,
 * atomic move) so a crash never leaves a torn checkpoint.
 *
 * @param step    completed steps
 * @param tensors tensors by name
 */
public record ClipCheckpoint(long step, Map<String, HostTensor> tensors) {
    private static final String MAGIC = "suffice-clip-checkpoint-1";

    public void write(Path file) throws IOException {
        try {
            AtomicFiles.write(file, stream -> writeTo(new DataOutputStream(stream)));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void writeTo(DataOutputStream out) throws IOException {
        out.writeUTF(MAGIC);
        out.writeLong(step);
        out.writeInt(tensors.size());
        for (var e : tensors.entrySet()) {
            HostTensor t = e.getValue();
            out.writeUTF(e.getKey());
            out.writeUTF(t.dtype().name());
            long[] dims = t.shape().dims();
            out.writeInt(dims.length);
            for (long d : dims) {
                out.writeLong(d);
            }
            ByteBuffer b = t.buffer().duplicate().order(ByteOrder.LITTLE_ENDIAN);
            b.rewind();
            byte[] bytes = new byte[b.remaining()];
            b.get(bytes);
            out.writeInt(bytes.length);
            out.write(bytes);
        }
        out.flush();
    }

    /** Reads a checkpoint written by the clip task (e.g. to reuse its trained towers). */
    public static ClipCheckpoint read(Path file) throws IOException {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file)))) {
            String magic = in.readUTF();
            if (!magic.equals(MAGIC)) {
                throw new IOException(file + " is not a clip checkpoint (header '" + magic + "')");
            }
            long step = in.readLong();
            int n = in.readInt();
            Map<String, HostTensor> m = new LinkedHashMap<>();
            for (int i = 0; i < n; i++) {
                String name = in.readUTF();
                DType dtype = DType.valueOf(in.readUTF());
                long[] dims = new long[in.readInt()];
                for (int k = 0; k < dims.length; k++) {
                    dims[k] = in.readLong();
                }
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                HostTensor t = HostTensor.zeros(dtype, Shape.of(dims));
                ByteBuffer dst = t.buffer().duplicate();
                dst.rewind();
                dst.put(ByteBuffer.wrap(bytes).order(dst.order()));
                m.put(name, t);
            }
            return new ClipCheckpoint(step, m);
        }
    }
}
