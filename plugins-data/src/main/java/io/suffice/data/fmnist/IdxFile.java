package io.suffice.data.fmnist;

import java.util.Arrays;

/**
 * The content of an IDX file (the MNIST / Fashion-MNIST format) whose element type is unsigned byte.
 *
 * @param dims dimension sizes, outermost first (e.g. {@code [60000, 28, 28]} for images, {@code [60000]} for labels)
 * @param data the elements in row-major order, as stored (read them with {@code & 0xff})
 */
public record IdxFile(int[] dims, byte[] data) {
    public IdxFile {
        dims = dims.clone();
    }

    @Override
    public int[] dims() {
        return dims.clone();
    }

    /** Number of items (first dimension). */
    public int count() {
        return dims[0];
    }

    /** Elements per item (product of the other dimensions). */
    public int itemSize() {
        int s = 1;
        for (int k = 1; k < dims.length; k++) {
            s *= dims[k];
        }
        return s;
    }

    /** Element {@code k} of item {@code i}, 0..255. */
    public int get(int i, int k) {
        return data[i * itemSize() + k] & 0xff;
    }

    @Override
    public String toString() {
        return "IdxFile" + Arrays.toString(dims);
    }
}
