package io.suffice.encoders.onnx.zeroshot;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Hugging Face {@code tokenizer.json} (BPE, WordPiece, WordLevel, ... with its normaliser, pre-tokeniser and
 * special tokens), run by DJL's binding of the Rust {@code tokenizers} library. The native library ships inside the
 * {@code ai.djl.huggingface:tokenizers} JAR (Linux x86_64/aarch64, macOS arm64, Windows x86_64) and is extracted to
 * DJL's cache folder ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}) on first use; nothing is downloaded. Sequences
 * (with the special tokens the file's post-processor adds) are cut to {@code length}, keeping the last token, and
 * padded with {@code padId}. Thread-safe; holds a native tokenizer for the life of the process.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {
    private final Path file;
    private final HuggingFaceTokenizer tokenizer;
    private final int length;
    private final long padId;

    private HuggingFaceTextTokenizer(Path file, HuggingFaceTokenizer tokenizer, int length, long padId) {
        this.file = file;
        this.tokenizer = tokenizer;
        this.length = length;
        this.padId = padId;
    }

    /**
     * @param tokenizerJson a {@code tokenizer.json} file
     * @param length        sequence length
     * @param padId         id used for padding
     */
    public static HuggingFaceTextTokenizer load(Path tokenizerJson, int length, long padId) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer file at " + tokenizerJson);
        }
        if (length <= 0) {
            throw new IllegalArgumentException("context length must be positive, got " + length);
        }
        try {
            return new HuggingFaceTextTokenizer(tokenizerJson, HuggingFaceTokenizer.newInstance(tokenizerJson), length,
                    padId);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public TokenizedText encode(List<String> texts) {
        List<long[]> seqs = new ArrayList<>();
        for (String text : texts) {
            Encoding e;
            try {
                e = tokenizer.encode(text);
            } catch (RuntimeException ex) {
                // the file loaded but does not hold together (e.g. its unk_token is not in its vocabulary)
                throw new IllegalArgumentException("tokenizer " + file + " cannot encode \"" + text + "\": "
                        + ex.getMessage(), ex);
            }
            long[] ids = e.getIds();
            if (ids.length > length) {
                long last = ids[ids.length - 1];
                ids = java.util.Arrays.copyOf(ids, length);
                ids[length - 1] = last;
            }
            seqs.add(ids);
        }
        return TokenizedText.pack(seqs, length, padId);
    }
}
