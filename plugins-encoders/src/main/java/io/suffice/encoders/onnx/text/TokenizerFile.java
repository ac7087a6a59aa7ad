package io.suffice.encoders.onnx.text;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Opens the tokenizer a text model was trained with from its file: a Hugging Face {@code tokenizer.json} (any file
 * ending in {@code .json}) runs through {@link HuggingFaceTextTokenizer}, anything else is read as a word vocabulary
 * ({@link WordTokenizer}, one token per line). The one place the {@code onnx-file} encoder, {@code suffice embed} and
 * {@code suffice zero-shot} turn a tokenizer option into a tokenizer, so all three preprocess text alike. Stateless.
 */
public final class TokenizerFile {
    private TokenizerFile() {
    }

    /**
     * @param file      {@code tokenizer.json} or a vocabulary file
     * @param maxLength cut and pad every text to this many tokens, or 0: pad each batch to its longest text (a
     *                  {@code tokenizer.json} still truncates as it says)
     * @throws IllegalArgumentException naming the file when it is missing or unreadable as a tokenizer
     */
    public static TextTokenizer load(Path file, int maxLength) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no tokenizer file at " + file);
        }
        try {
            return file.getFileName().toString().endsWith(".json") ? HuggingFaceTextTokenizer.load(file, maxLength,
                    null) : WordTokenizer.load(file, maxLength);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read tokenizer " + file + ": " + e.getMessage(), e);
        }
    }
}
