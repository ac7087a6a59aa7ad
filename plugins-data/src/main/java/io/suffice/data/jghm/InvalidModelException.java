package io.suffice.data.jghm;

/** A JGHM model (for example one read from JSON) is malformed; the message names the modality/layer/position/row. */
public final class InvalidModelException extends IllegalArgumentException {
    public InvalidModelException(String message) {
        super(message);
    }

    public InvalidModelException(String message, Throwable cause) {
        super(message, cause);
    }
}
