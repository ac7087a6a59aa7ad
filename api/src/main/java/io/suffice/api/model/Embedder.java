package io.suffice.api.model;

import io.suffice.api.tensor.HostTensor;

import java.util.Map;

/**
 * A {@link PretrainedEncoder} opened on an executor: batch fields in, one embedding per example out. Not
 * thread-safe; closing it releases its native resources.
 */
public interface Embedder extends AutoCloseable {

    /**
     * Embeds one batch.
     *
     * @param fields batch fields by name (the encoder's configuration says which it reads)
     * @return a new FLOAT32 tensor {@code [batch, dim]}
     * @throws IllegalArgumentException when a field is missing or has the wrong dtype or shape (the message names
     *                                  it and the expected shape)
     */
    HostTensor embed(Map<String, HostTensor> fields);

    @Override
    void close();
}
