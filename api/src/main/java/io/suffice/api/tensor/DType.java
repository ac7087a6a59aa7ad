package io.suffice.api.tensor;

/** Element types of tensors. Names follow ONNX; {@link #bytes()} is the size of one element. */
public enum DType {
    FLOAT32(4),
    FLOAT64(8),
    INT64(8),
    INT32(4),
    BOOL(1);

    private final int bytes;

    DType(int bytes) {
        this.bytes = bytes;
    }

    public int bytes() {
        return bytes;
    }
}
