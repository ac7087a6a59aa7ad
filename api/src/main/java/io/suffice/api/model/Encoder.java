package io.suffice.api.model;

/**
 * A model architecture created by an {@link io.suffice.api.plugin.EncoderProvider}: it maps a batch field to an
 * output (an embedding, or a logit for a classifier). The engine issue gives it its graph-building methods; the
 * plugin SPI, discovery and configuration around it are complete already.
 */
public interface Encoder {

    /** A short human-readable summary (architecture and sizes), written to the run log. */
    String summary();
}
