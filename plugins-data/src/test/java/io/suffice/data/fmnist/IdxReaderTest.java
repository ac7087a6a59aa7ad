package io.suffice.data.fmnist;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdxReaderTest {
    @TempDir
    Path dir;

    /** An unsigned-byte IDX file with the given dimensions and body. */
    static byte[] idx(int[] dims, byte[] body) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0x0800 | dims.length);
        for (int d : dims) {
            out.writeInt(d);
        }
        out.write(body);
        return bytes.toByteArray();
    }

    static void writeGz(Path file, byte[] content) throws IOException {
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(file))) {
            o.write(content);
        }
    }

    @Test
    void readsPlainAndGzippedFiles() throws IOException {
        byte[] body = {0, 1, 2, (byte) 255, 4, 5};
        Path plain = Files.write(dir.resolve("a-idx3-ubyte"), idx(new int[]{3, 1, 2}, body));
        Path gz = dir.resolve("a.gz");
        writeGz(gz, idx(new int[]{3, 1, 2}, body));
        for (Path p : new Path[]{plain, gz}) {
            IdxFile f = IdxReader.read(p, 3);
            assertThat(f.dims()).containsExactly(3, 1, 2);
            assertThat(f.count()).isEqualTo(3);
            assertThat(f.itemSize()).isEqualTo(2);
            assertThat(f.get(1, 1)).isEqualTo(255);
            assertThat(f.get(2, 0)).isEqualTo(4);
        }
    }

    @Test
    void rejectsBadMagicWrongTypeAndRank() throws IOException {
        Path notIdx = Files.write(dir.resolve("x"), "hello world, not idx".getBytes());
        assertThatThrownBy(() -> IdxReader.read(notIdx, 1)).hasMessageContaining("not an IDX file")
                .hasMessageContaining(notIdx.toString());
        byte[] ints = idx(new int[]{2}, new byte[2]);
        ints[2] = 0x0D; // float32 type
        Path floats = Files.write(dir.resolve("f"), ints);
        assertThatThrownBy(() -> IdxReader.read(floats, 1)).hasMessageContaining("type 0x0d is not supported");
        Path labels = Files.write(dir.resolve("l"), idx(new int[]{2}, new byte[2]));
        assertThatThrownBy(() -> IdxReader.read(labels, 3)).hasMessageContaining("has 1 dimensions, expected 3");
        Path tiny = Files.write(dir.resolve("t"), new byte[]{0, 0});
        assertThatThrownBy(() -> IdxReader.read(tiny, 1)).hasMessageContaining("shorter than its 4-byte magic");
    }

    @Test
    void rejectsTruncatedFiles() throws IOException {
        byte[] full = idx(new int[]{4, 2, 2}, new byte[16]);
        Path body = Files.write(dir.resolve("b"), Arrays.copyOf(full, full.length - 3));
        assertThatThrownBy(() -> IdxReader.read(body, 3)).hasMessageContaining("truncated IDX file")
                .hasMessageContaining("16 bytes").hasMessageContaining("only 13");
        Path header = Files.write(dir.resolve("h"), Arrays.copyOf(full, 9));
        assertThatThrownBy(() -> IdxReader.read(header, 3)).hasMessageContaining("truncated IDX header");
        Path gz = dir.resolve("g.gz");
        writeGz(gz, Arrays.copyOf(full, full.length - 1));
        assertThatThrownBy(() -> IdxReader.read(gz, 3)).hasMessageContaining("truncated IDX file");
    }
}
