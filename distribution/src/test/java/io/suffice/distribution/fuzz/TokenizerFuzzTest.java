package io.suffice.distribution.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.suffice.encoders.onnx.text.TokenizerFile;

import java.nio.file.Path;
import java.util.List;

/**
 * Tokenizer files as {@code TokenizerFile} opens them for the {@code onnx-file} encoder, {@code suffice embed} and
 * {@code suffice zero-shot}: a word vocabulary (one token per line) and a Hugging Face {@code tokenizer.json} (run by
 * the native Rust library: the JVM must survive what it is fed). A file that loads must encode prompts; bad input
 * must be an {@link IllegalArgumentException} with one line.
 */
class TokenizerFuzzTest {
    private static final List<String> PROMPTS = List.of("a photo of a cat.", "", "Ünïcode — 猫 🐈", "<unk> <bos>");

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void vocabFile(byte[] input) {
        Path file = FuzzContract.file("vocab.txt", input);
        try {
            FuzzContract.check("vocab", input, () -> TokenizerFile.load(file, 16).encode(PROMPTS),
                    IllegalArgumentException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }

    @FuzzTest(maxDuration = FuzzContract.CAMPAIGN)
    void huggingFaceTokenizerJson(byte[] input) {
        Path file = FuzzContract.file("tokenizer.json", input);
        try {
            FuzzContract.check("tokenizer-json", input,
                    () -> TokenizerFile.load(file, 0).encode(PROMPTS), IllegalArgumentException.class);
        } finally {
            FuzzContract.delete(file);
        }
    }
}
