package io.suffice.api.model;

import io.suffice.api.graph.Executor;

/**
 * An {@link Encoder} with fixed, pretrained weights that runs outside a suffice graph (for example an ONNX model
 * file run by ONNX Runtime). Tasks in other plugins reach it through this api type:
 * <pre>{@code
 * if (ctx.encoder() instanceof PretrainedEncoder p) {
 *     try (Embedder e = p.open(ctx.executor())) {
 *         HostTensor z = e.embed(batch.fields());      // FLOAT32 [batch, dim]
 *     }
 * }
 * }</pre>
 * Implementations are immutable and thread-safe; each {@link Embedder} is single-threaded.
 */
public interface PretrainedEncoder extends Encoder {

    /**
     * Opens the encoder on {@code executor} (e.g. one ONNX Runtime session). Close the embedder when done; it is
     * also closed with the executor.
     */
    Embedder open(Executor executor);
}
