package io.suffice.encoders.onnx.text;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A word-level tokenizer over a vocabulary file (one token per line; the line number, from 0, is the token id).
 * Text is lower-cased and split into runs of letters/digits and single punctuation characters. Special tokens are
 * used when the vocabulary has them: {@code <pad>} (else id 0) pads, {@code <unk>} replaces unknown words (without
 * it an unknown word is an error naming it), {@code <bos>}/{@code <eos>} are put around each text. Sequences are cut
 * and padded to {@code length}, or with length 0 padded to the longest text of each batch and not cut.
 * <p>
 * This is not the BPE tokenizer of OpenAI CLIP or a Hugging Face model: models trained with subword tokenizers need
 * their own tokenizer (see docs/onnx.md). Immutable and thread-safe.
 */
public final class WordTokenizer implements TextTokenizer {
    private final Map<String, Long> ids = new HashMap<>();
    private final int length;
    private final long pad;
    private final Long unk;
    private final Long bos;
    private final Long eos;

    public WordTokenizer(List<String> vocab, int length) {
        if (length < 0) {
            throw new IllegalArgumentException("context length must be positive (or 0: the longest), got " + length);
        }
        for (int i = 0; i < vocab.size(); i++) {
            ids.putIfAbsent(vocab.get(i).strip(), (long) i);
        }
        this.length = length;
        this.pad = ids.getOrDefault("<pad>", 0L);
        this.unk = ids.get("<unk>");
        this.bos = ids.get("<bos>");
        this.eos = ids.get("<eos>");
    }

    /** Reads a vocabulary file (UTF-8, one token per line). */
    public static WordTokenizer load(Path vocabFile, int length) throws IOException {
        List<String> lines = Files.readAllLines(vocabFile, StandardCharsets.UTF_8);
        return new WordTokenizer(lines, length);
    }

    @Override
    public long padId() {
        return pad;
    }

    @Override
    public int length() {
        return length;
    }

    /** Lower-cased words and punctuation marks of {@code text}. */
    public static List<String> words(String text) {
        return io.suffice.api.data.Words.split(text);
    }

    /** Token ids of one text, before padding (with {@code <bos>}/{@code <eos>} when the vocabulary has them). */
    public List<Long> ids(String text) {
        List<Long> out = new ArrayList<>();
        if (bos != null) {
            out.add(bos);
        }
        for (String w : words(text)) {
            Long id = ids.get(w);
            if (id == null) {
                if (unk == null) {
                    throw new IllegalArgumentException("word '" + w + "' of \"" + text + "\" is not in the vocabulary"
                            + " (and it has no <unk> token)");
                }
                id = unk;
            }
            out.add(id);
        }
        if (eos != null) {
            out.add(eos);
        }
        return out;
    }

    /**
     * Encodes texts: ids cut to {@code length} (keeping {@code <eos>} last when present) and padded with
     * {@code <pad>}; the mask is 1 on real tokens.
     */
    @Override
    public TokenizedText encode(List<String> texts) {
        List<long[]> seqs = new ArrayList<>();
        for (String text : texts) {
            List<Long> t = ids(text);
            if (length > 0 && t.size() > length) {
                List<Long> cut = new ArrayList<>(t.subList(0, length));
                if (eos != null) {
                    cut.set(length - 1, eos);
                }
                t = cut;
            }
            seqs.add(t.stream().mapToLong(Long::longValue).toArray());
        }
        return TokenizedText.pack(seqs, null, length, pad);
    }
}
