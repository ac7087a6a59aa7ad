package io.suffice.encoders.onnx.text;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A Hugging Face {@code tokenizer.json} (BPE, WordPiece, WordLevel, ... with its normaliser, pre-tokeniser and
 * special tokens), run by DJL's binding of the Rust {@code tokenizers} library. The native library ships inside the
 * {@code ai.djl.huggingface:tokenizers} JAR (Linux x86_64/aarch64, macOS arm64, Windows x86_64) and is extracted to
 * DJL's cache folder ({@code ~/.djl.ai}, or {@code DJL_CACHE_DIR}) on first use; nothing is downloaded.
 * <p>
 * Truncation: to {@code maxLength} when it is positive, else to the file's own {@code truncation.max_length} (none
 * when the file has none); a cut sequence keeps its last token (the {@code [SEP]}/end token the file's
 * post-processor appends). Padding: to {@code maxLength} when it is positive, else to the longest text of each batch,
 * with the pad id given, else the file's {@code padding.pad_id}, else the id of its {@code [PAD]}, {@code <pad>} or
 * {@code <|endoftext|>} token, else 0. Token types are the file's (0 for single texts). Thread-safe; holds a native
 * tokenizer for the life of the process.
 */
public final class HuggingFaceTextTokenizer implements TextTokenizer {
    private static final List<String> PAD_TOKENS = List.of("[PAD]", "<pad>", "<|endoftext|>");

    private final HuggingFaceTokenizer tokenizer;
    private final int length;
    private final int truncation;
    private final long padId;

    private HuggingFaceTextTokenizer(HuggingFaceTokenizer tokenizer, int length, int truncation, long padId) {
        this.tokenizer = tokenizer;
        this.length = length;
        this.truncation = truncation;
        this.padId = padId;
    }

    /**
     * @param tokenizerJson a {@code tokenizer.json} file
     * @param maxLength     fixed sequence length (cut and pad to it), or 0: truncate per the file, pad to the longest
     * @param padId         id used for padding, or null to take it from the file
     * @throws IllegalArgumentException naming the file when it is missing or not a tokenizer
     */
    public static HuggingFaceTextTokenizer load(Path tokenizerJson, int maxLength, Long padId) throws IOException {
        if (!Files.isRegularFile(tokenizerJson)) {
            throw new IllegalArgumentException("no tokenizer file at " + tokenizerJson);
        }
        if (maxLength < 0) {
            throw new IllegalArgumentException("max length must be positive (or 0: the longest), got " + maxLength);
        }
        JsonNode json;
        try {
            json = new ObjectMapper().readTree(tokenizerJson.toFile());
        } catch (IOException e) {
            throw new IllegalArgumentException(tokenizerJson + " is not a tokenizer.json (not JSON: "
                    + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        if (json == null || !json.has("model")) {
            throw new IllegalArgumentException(tokenizerJson + " is not a Hugging Face tokenizer.json (no \"model\")");
        }
        int fileTruncation = json.path("truncation").path("max_length").asInt(0);
        long pad = padId != null ? padId : filePadId(json);
        try {
            // the file's truncation and padding are applied here, per batch, so DJL must do neither
            HuggingFaceTokenizer t = HuggingFaceTokenizer.newInstance(tokenizerJson,
                    Map.of("truncation", "false", "padding", "false"));
            return new HuggingFaceTextTokenizer(t, maxLength, maxLength > 0 ? maxLength : fileTruncation, pad);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("cannot load tokenizer " + tokenizerJson + ": " + e.getMessage(), e);
        }
    }

    private static long filePadId(JsonNode json) {
        JsonNode padding = json.path("padding");
        if (padding.has("pad_id")) {
            return padding.get("pad_id").asLong();
        }
        for (String token : PAD_TOKENS) {
            for (JsonNode added : json.path("added_tokens")) {
                if (token.equals(added.path("content").asText())) {
                    return added.path("id").asLong();
                }
            }
            JsonNode id = json.path("model").path("vocab").path(token);
            if (id.isNumber()) {
                return id.asLong();
            }
        }
        return 0;
    }

    @Override
    public int length() {
        return length;
    }

    /** The truncation length in effect (0: none). */
    public int truncation() {
        return truncation;
    }

    @Override
    public long padId() {
        return padId;
    }

    @Override
    public TokenizedText encode(List<String> texts) {
        List<long[]> seqs = new ArrayList<>();
        List<long[]> types = new ArrayList<>();
        for (String text : texts) {
            Encoding e = tokenizer.encode(text);
            seqs.add(TokenizedText.cut(e.getIds(), truncation));
            types.add(TokenizedText.cut(e.getTypeIds(), truncation));
        }
        return TokenizedText.pack(seqs, types, length, padId);
    }
}
