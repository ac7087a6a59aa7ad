package io.suffice.api.model;

import io.suffice.api.tensor.HostTensor;

import java.util.List;

/**
 * An {@link Encoder} of text that brings its own tokenizer (for example a pretrained model with its
 * {@code tokenizer.json}): a task that holds texts in another form, such as the word ids of a caption dataset, turns
 * them back into text and lets the encoder tokenize them. {@link Encoder#forward} then reads the ids this produces,
 * deriving the attention mask from the padding.
 * <pre>{@code
 * if (encoder instanceof TokenizingEncoder t && t.hasTokenizer()) {
 *     HostTensor ids = t.tokenize(List.of("a photo of a bag", "a coat"));   // INT64 [2, length]
 * }
 * }</pre>
 * Implementations are immutable and thread-safe.
 */
public interface TokenizingEncoder extends Encoder {

    /** Whether this instance was configured with a tokenizer (otherwise {@link #tokenize} fails). */
    boolean hasTokenizer();

    /**
     * Token ids of {@code texts}, {@code INT64 [texts, length]}, padded with the tokenizer's padding id; the
     * length is fixed ({@link #textLength()}) or each call's longest text.
     *
     * @throws IllegalStateException without a tokenizer
     */
    HostTensor tokenize(List<String> texts);

    /** Tokens per text when every call gives the same length, else 0 (each call pads to its longest text). */
    int textLength();
}
