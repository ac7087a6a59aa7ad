package io.suffice.data.fmnist;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reads IDX files (Y. LeCun's MNIST format, also used by Fashion-MNIST), plain or gzip-compressed (detected from the
 * first two bytes {@code 1f 8b}). Layout: two zero bytes, a type byte ({@code 0x08} = unsigned byte, the only type
 * supported), a byte with the number of dimensions, each dimension as a big-endian 32-bit integer, then the elements.
 * Errors name the file and say what was wrong: a bad magic number, an unsupported type, a truncated body.
 */
public final class IdxReader {
    private static final int UNSIGNED_BYTE = 0x08;

    private IdxReader() {
    }

    /**
     * @param file            the IDX file
     * @param expectedRank    number of dimensions the caller needs (3 for images, 1 for labels)
     * @throws IOException if the file cannot be read or is not a well-formed unsigned-byte IDX file of that rank
     */
    public static IdxFile read(Path file, int expectedRank) throws IOException {
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(file))) {
            raw.mark(2);
            int b0 = raw.read();
            int b1 = raw.read();
            raw.reset();
            if (b0 != 0x1f || b1 != 0x8b) {
                return read(new DataInputStream(raw), file, expectedRank);
            }
            InputStream in;
            try {
                in = new GZIPInputStream(raw, 1 << 16);
            } catch (EOFException | java.util.zip.ZipException e) {
                throw new IOException(file + ": starts like a gzip file (1f 8b) but its gzip header is "
                        + (e instanceof EOFException ? "truncated" : "invalid: " + e.getMessage()));
            }
            try {
                return read(new DataInputStream(in), file, expectedRank);
            } catch (java.util.zip.ZipException e) {
                // the JDK's message names the defect but not the file
                throw new IOException(file + ": corrupt gzip data: " + e.getMessage());
            }
        }
    }

    private static IdxFile read(DataInputStream in, Path file, int expectedRank) throws IOException {
        int magic;
        try {
            magic = in.readInt();
        } catch (EOFException e) {
            throw new IOException(file + ": not an IDX file (shorter than its 4-byte magic number)");
        }
        int type = (magic >>> 8) & 0xff;
        int rank = magic & 0xff;
        if ((magic >>> 16) != 0) {
            throw new IOException(String.format("%s: not an IDX file (magic number 0x%08x does not start with two "
                    + "zero bytes)", file, magic));
        }
        if (type != UNSIGNED_BYTE) {
            throw new IOException(String.format("%s: IDX element type 0x%02x is not supported (only 0x08, unsigned "
                    + "byte)", file, type));
        }
        if (rank != expectedRank) {
            throw new IOException(file + ": IDX file has " + rank + " dimensions, expected " + expectedRank
                    + String.format(" (magic 0x%08x)", magic));
        }
        int[] dims = new int[rank];
        long total = 1;
        for (int k = 0; k < rank; k++) {
            try {
                dims[k] = in.readInt();
            } catch (EOFException e) {
                throw new IOException(file + ": truncated IDX header (dimension " + k + " of " + rank + " missing)");
            }
            if (dims[k] < 0) {
                throw new IOException(file + ": negative IDX dimension " + dims[k]);
            }
            // checked at each factor: three 31-bit dimensions overflow a long
            total *= dims[k];
            if (total > Integer.MAX_VALUE - 8) {
                throw new IOException(file + ": IDX dimensions " + java.util.Arrays.toString(
                        java.util.Arrays.copyOf(dims, k + 1)) + " make a body too large for one array");
            }
        }
        // read as the bytes arrive rather than allocating what the header claims: a short file is not an OOM
        byte[] data = in.readNBytes((int) total);
        int read = data.length;
        if (read < total) {
            throw new IOException(file + ": truncated IDX file: the header promises " + total + " bytes of data but "
                    + "only " + read + " follow");
        }
        return new IdxFile(dims, data);
    }
}
