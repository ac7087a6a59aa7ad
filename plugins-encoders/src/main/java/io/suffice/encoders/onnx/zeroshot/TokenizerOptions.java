package io.suffice.encoders.onnx.zeroshot;

import io.suffice.encoders.onnx.cli.CommandFiles;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The tokenizer choice {@code suffice zero-shot} and {@code suffice embed} share (a picocli argument group; each
 * command says whether it is required): {@code --tokenizer tokenizer.json} or {@code --vocab vocab.txt}, never both.
 * Mutable only while picocli fills it.
 */
public final class TokenizerOptions {
    @Option(names = "--tokenizer", required = true, paramLabel = "FILE",
            description = "Hugging Face tokenizer.json of the text model (BPE, WordPiece, ...)")
    Path tokenizerJson;

    @Option(names = "--vocab", required = true, paramLabel = "FILE",
            description = "word vocabulary of the text model, one token per line (word-level tokenizer)")
    Path vocab;

    /** The file given, after checking it exists (a usage error naming the option otherwise). */
    public Path file(CommandLine.Model.CommandSpec spec) {
        return vocab != null ? CommandFiles.requireFile(spec, "--vocab", vocab)
                : CommandFiles.requireFile(spec, "--tokenizer", tokenizerJson);
    }

    /** Whether the file is a word vocabulary ({@code --vocab}) rather than a {@code tokenizer.json}. */
    public boolean isVocabulary() {
        return vocab != null;
    }
}
