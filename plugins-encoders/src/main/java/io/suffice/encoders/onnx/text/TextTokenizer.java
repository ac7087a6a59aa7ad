package io.suffice.encoders.onnx.text;

import java.util.List;

/**
 * Turns texts into the token ids, attention mask and token types a text model takes. Every batch is padded either to
 * a fixed {@link #length()} or, when that is 0, to its longest sequence. Implementations are thread-safe.
 */
public interface TextTokenizer {

    /** Sequence length every encoding is cut and padded to, or 0 when each batch is padded to its longest text. */
    int length();

    /** The id written on padding (never the id of a real token). */
    long padId();

    /** Encodes texts (one row each). */
    TokenizedText encode(List<String> texts);
}
