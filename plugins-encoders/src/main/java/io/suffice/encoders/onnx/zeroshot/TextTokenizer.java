package io.suffice.encoders.onnx.zeroshot;

import java.util.List;

/** Turns prompts into the fixed-length ids and masks a text tower takes. Implementations are thread-safe. */
public interface TextTokenizer {

    /** Sequence length of every encoded text. */
    int length();

    /** Encodes texts, cut or padded to {@link #length()}. */
    TokenizedText encode(List<String> texts);
}
