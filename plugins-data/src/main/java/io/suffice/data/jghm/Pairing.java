package io.suffice.data.jghm;

/** Whether the image and text of a JGHM example share their root ({@link #PAIRED}) or not. */
public enum Pairing {
    /** One root for both trees: a matching image-caption pair. */
    PAIRED,
    /** Independent roots: an image and an unrelated text. */
    UNPAIRED
}
