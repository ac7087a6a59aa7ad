package io.suffice.api.io;

import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Writes files so that a reader (or a crash) never sees half a file: the content streams into a temporary file in the
 * target's folder, which is forced to disk and then renamed over the target in one atomic step. Used for every result
 * file, checkpoint, model file and ONNX export, by the runtime and by plugins. Content is streamed, not buffered, so
 * large checkpoints need no extra memory. Stateless and thread-safe (concurrent writers of one target: the last rename
 * wins). Failures are {@link UncheckedIOException}s naming the target; the temporary file is removed.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** What writes the content of a file. It may close the stream it is given; that does not end the write. */
    @FunctionalInterface
    public interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    private static final String TEMP_PREFIX = ".";
    private static final String TEMP_SUFFIX = ".suffice-tmp";

    /**
     * Deletes the temporary files that interrupted writes (a killed process) left in {@code dir}; the targets
     * themselves are untouched, since a rename either happened or did not. Returns how many were removed.
     */
    public static int removeStaleTemporaries(Path dir) {
        int removed = 0;
        try (var files = Files.list(dir)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                String n = p.getFileName().toString();
                if (n.startsWith(TEMP_PREFIX) && n.endsWith(TEMP_SUFFIX) && Files.deleteIfExists(p)) {
                    removed++;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + e, e);
        }
        return removed;
    }

    public static void write(Path target, Content content) {
        Path abs = target.toAbsolutePath();
        Path tmp = null;
        try {
            Files.createDirectories(abs.getParent());
            tmp = abs.resolveSibling(TEMP_PREFIX + abs.getFileName() + "." + Long.toHexString(
                    java.util.concurrent.ThreadLocalRandom.current().nextLong()) + TEMP_SUFFIX);
            // created without explicit permissions, so the result honours the umask like any other file
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW)) {
                OutputStream out = new BufferedOutputStream(new FilterOutputStream(Channels.newOutputStream(ch)) {
                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        out.write(b, off, len);
                    }

                    @Override
                    public void close() throws IOException {
                        flush(); // writers such as Jackson close the stream: keep the channel open for force()
                    }
                }, 1 << 16);
                content.writeTo(out);
                out.flush();
                ch.force(true);
            }
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e, e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // the temporary file is hidden and harmless; the original error matters more
                }
            }
        }
    }

    /** Writes {@code text} as UTF-8. */
    public static void writeString(Path target, String text) {
        write(target, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
    }
}
