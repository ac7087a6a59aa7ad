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
                ParameterSpec.ofChoice("pooling", "none: output is [batch, dim]; mean: average over pooling-axis",
                        "none", "mean"),
                ParameterSpec.ofInt("pooling-axis", 1, "axis mean pooling averages over"),
                ParameterSpec.ofString("pooling-mask", "", "batch field of a [batch, seq] 0/1 mask for masked mean "
                        + "pooling (e.g. the attention mask); empty for none"),
                ParameterSpec.ofBoolean("normalize", false, "scale each embedding to unit L2 norm"),
                ParameterSpec.ofBoolean("trainable", false, "when built into a graph, initializers become trainable "
                        + "parameters (needs every operator to have a gradient rule)"),
                ParameterSpec.ofBoolean("untie", false, "trainable import: give each use of a tensor the exporter "
                        + "shared between several uses (merged identical initializers) its own parameter"));
    }

    @Override
    public Encoder create(PluginConfig config) {
        OnnxFileEncoderSettings s;
        try {
            s = new OnnxFileEncoderSettings(Path.of(config.getString("file")),
                    OnnxFileEncoderSettings.parseInputs(config.getString("inputs")), config.getString("output"),
                    Pooling.parse(config.getString("pooling")), config.getInt("pooling-axis"),
                    config.getString("pooling-mask"), config.getBoolean("normalize"), config.getBoolean("trainable"),
                    config.getBoolean("untie"));
        } catch (IllegalArgumentException e) {
            throw config.invalid("inputs", e.getMessage());
        }
        return new OnnxFileEncoder(s);
    }
}
