package io.suffice.api.plugin;

import io.suffice.api.model.Encoder;

/** Service interface for model architectures (transformer, MLP, two-layer networks, ONNX files). */
public interface EncoderProvider extends PluginProvider<Encoder> {
}
