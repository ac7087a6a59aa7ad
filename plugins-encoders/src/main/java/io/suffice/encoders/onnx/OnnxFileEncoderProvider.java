package io.suffice.encoders.onnx;

import io.suffice.api.model.Encoder;
import io.suffice.api.plugin.EncoderProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.ParameterType;
import io.suffice.api.plugin.PluginConfig;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code onnx-file} encoder plugin: a pretrained ONNX model as a frozen (or, where its operators allow,
 * trainable) encoder. See {@link OnnxFileEncoder}. Stateless.
 * <pre>
 * encoder {
 *   name = onnx-file
 *   file = models/text.onnx
 *   inputs = "input_ids=tokens, attention_mask=mask"   # model input = batch field
 *   output = last_hidden_state
 *   pooling = mean
 *   pooling-mask = mask
 *   normalize = true
 * }
 * </pre>
 */
public final class OnnxFileEncoderProvider implements EncoderProvider {

    @Override
    public String name() {
        return "onnx-file";
    }

    @Override
    public String description() {
        return "a pretrained ONNX model file as an encoder (frozen via ONNX Runtime, or imported for fine-tuning)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.required("file", ParameterType.STRING, "path of the .onnx model file"),
                ParameterSpec.ofString("inputs", "", "model_input=batch_field pairs, comma-separated; an input not "
                        + "listed reads the field of its own name"),
                ParameterSpec.ofString("output", "", "model output used as the embedding (default: the first)"),
                ParameterSpec.ofChoice("pooling", "none: output is [batch, dim]; mean: average over pooling-axis; "
                        + "cls: its first position", "none", "mean", "cls"),
                ParameterSpec.ofInt("pooling-axis", 1, "axis mean pooling averages over"),
                ParameterSpec.ofString("pooling-mask", "", "batch field of a [batch, seq] 0/1 mask for masked mean "
                        + "pooling (e.g. the attention mask); empty for none"),
                ParameterSpec.ofBoolean("normalize", false, "scale each embedding to unit L2 norm"),
                ParameterSpec.ofString("tokenizer", "", "text models: Hugging Face tokenizer.json (or a word "
                        + "vocabulary file, one token per line) filling the fields input_ids, attention_mask and "
                        + "token_type_ids; mean pooling is then masked by attention_mask"),
                ParameterSpec.ofInt("max-length", 0, "with a tokenizer: cut and pad texts to this many tokens "
                        + "(0: pad each batch to its longest text, truncate as the tokenizer file says)").nonNegative(),
                ParameterSpec.ofBoolean("trainable", false, "when built into a graph, initializers become trainable "
                        + "parameters (needs every operator to have a gradient rule)"),
                ParameterSpec.ofBoolean("untie", false, "trainable import: give each use of a tensor the exporter "
                        + "shared between several uses (merged identical initializers) its own parameter"));
    }

    @Override
    public void validate(PluginConfig config) {
        String tokenizer = config.getString("tokenizer");
        if (!tokenizer.isBlank() && !java.nio.file.Files.isRegularFile(Path.of(tokenizer))) {
            throw config.invalid("tokenizer", "no tokenizer file at " + tokenizer);
        }
    }

    @Override
    public Encoder create(PluginConfig config) {
        java.util.Map<String, String> inputs;
        try {
            inputs = OnnxFileEncoderSettings.parseInputs(config.getString("inputs"));
        } catch (IllegalArgumentException e) {
            throw config.invalid("inputs", e.getMessage());
        }
        Pooling pooling;
        try {
            pooling = Pooling.parse(config.getString("pooling"));
        } catch (IllegalArgumentException e) {
            throw config.invalid("pooling", e.getMessage());
        }
        String tokenizer = config.getString("tokenizer");
        int maxLength = config.getInt("max-length");
        return new OnnxFileEncoder(new OnnxFileEncoderSettings(Path.of(config.getString("file")), inputs,
                config.getString("output"), pooling, config.getInt("pooling-axis"), config.getString("pooling-mask"),
                config.getBoolean("normalize"), config.getBoolean("trainable"),
                tokenizer.isBlank() ? null : Path.of(tokenizer), maxLength, config.getBoolean("untie")));
    }
}
