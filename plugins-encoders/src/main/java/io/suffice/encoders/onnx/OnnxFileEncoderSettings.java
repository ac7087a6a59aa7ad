package io.suffice.encoders.onnx;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Configuration of the {@code onnx-file} encoder.
 *
 * @param file        the {@code .onnx} model file
 * @param inputs      model input name to batch field name; a model input not listed reads the field of its own name
 * @param output      the model output used as the embedding; empty picks the first output
 * @param pooling     how the output becomes {@code [batch, dim]}
 * @param poolingAxis the axis {@link Pooling#MEAN} averages over
 * @param poolingMask batch field of a {@code [batch, seq]} 0/1 mask for masked mean pooling; empty for none
 * @param normalize   scale each embedding to unit L2 norm
 * @param trainable   when imported into a graph ({@link OnnxFileEncoder#forward}): initializers become trainable
 *                    parameters (true) or constants (false)
 * @param tokenizer   null, or the text model's tokenizer: a Hugging Face {@code tokenizer.json}, or (any other file)
 *                    a word vocabulary, one token per line; then texts are embedded through it
 *                    ({@link FrozenOnnxEncoder#embedTexts}), feeding the batch fields {@code input_ids},
 *                    {@code attention_mask} and {@code token_type_ids}
 * @param maxLength   with a tokenizer: cut and pad every text to this many tokens; 0 pads each batch to its longest
 *                    text and truncates as the tokenizer file says
 * @param untie       for a trainable import: every use of a tensor that the exporter shared between several uses
 *                    (PyTorch merges identical initializers) gets its own parameter instead of one tied weight
 */
public record OnnxFileEncoderSettings(Path file, Map<String, String> inputs, String output, Pooling pooling,
                                      int poolingAxis, String poolingMask, boolean normalize, boolean trainable,
                                      Path tokenizer, int maxLength, boolean untie) {

    public OnnxFileEncoderSettings {
        Objects.requireNonNull(file, "file");
        inputs = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(inputs));
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(pooling, "pooling");
        Objects.requireNonNull(poolingMask, "poolingMask");
        if (maxLength < 0) {
            throw new IllegalArgumentException("max-length must be positive (or 0: each batch's longest text), got "
                    + maxLength);
        }
    }

    /** Settings without a tokenizer. */
    public OnnxFileEncoderSettings(Path file, Map<String, String> inputs, String output, Pooling pooling,
                                   int poolingAxis, String poolingMask, boolean normalize, boolean trainable) {
        this(file, inputs, output, pooling, poolingAxis, poolingMask, normalize, trainable, null, 0, false);
    }

    /** Defaults: inputs read the fields of their own names, first output, no pooling, no normalisation, frozen. */
    public static OnnxFileEncoderSettings of(Path file) {
        return new OnnxFileEncoderSettings(file, Map.of(), "", Pooling.NONE, 1, "", false, false, null, 0, false);
    }

    public OnnxFileEncoderSettings withInputs(Map<String, String> m) {
        return new OnnxFileEncoderSettings(file, m, output, pooling, poolingAxis, poolingMask, normalize, trainable,
                tokenizer, maxLength, untie);
    }

    public OnnxFileEncoderSettings withOutput(String o) {
        return new OnnxFileEncoderSettings(file, inputs, o, pooling, poolingAxis, poolingMask, normalize, trainable,
                tokenizer, maxLength, untie);
    }

    public OnnxFileEncoderSettings withPooling(Pooling p, int axis, String mask) {
        return new OnnxFileEncoderSettings(file, inputs, output, p, axis, mask, normalize, trainable,
                tokenizer, maxLength, untie);
    }

    public OnnxFileEncoderSettings withNormalize(boolean n) {
        return new OnnxFileEncoderSettings(file, inputs, output, pooling, poolingAxis, poolingMask, n, trainable,
                tokenizer, maxLength, untie);
    }

    public OnnxFileEncoderSettings withTrainable(boolean t) {
        return new OnnxFileEncoderSettings(file, inputs, output, pooling, poolingAxis, poolingMask, normalize, t,
                tokenizer, maxLength, untie);
    }

    public OnnxFileEncoderSettings withTokenizer(Path file, int length) {
        return new OnnxFileEncoderSettings(this.file, inputs, output, pooling, poolingAxis, poolingMask, normalize,
                trainable, file, length, untie);
    }

    public OnnxFileEncoderSettings withUntie(boolean u) {
        return new OnnxFileEncoderSettings(file, inputs, output, pooling, poolingAxis, poolingMask, normalize,
                trainable, tokenizer, maxLength, u);
    }

    /**
     * Parses {@code "model_input=field, other=field2"}; blank gives an empty map.
     *
     * @throws IllegalArgumentException for an entry without {@code =}
     */
    public static Map<String, String> parseInputs(String spec) {
        Map<String, String> m = new LinkedHashMap<>();
        if (spec == null || spec.isBlank()) {
            return m;
        }
        for (String part : spec.split(",")) {
            String p = part.trim();
            int eq = p.indexOf('=');
            if (eq <= 0 || eq == p.length() - 1) {
                throw new IllegalArgumentException("input mapping '" + p + "' is not of the form model_input=field");
            }
            m.put(p.substring(0, eq).trim(), p.substring(eq + 1).trim());
        }
        return m;
    }
}
