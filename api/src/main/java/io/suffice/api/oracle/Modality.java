package io.suffice.api.oracle;

/** The two observed modalities of a paired (multimodal) data model, e.g. the two trees of the JGHM. */
public enum Modality {
    /** The image tree (denoising target, zero-shot input). */
    IMAGE,
    /** The text tree (captioning target, zero-shot label source). */
    TEXT;

    /** Lower-case name as used in files and columns ({@code image}, {@code text}). */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The other modality. */
    public Modality other() {
        return this == IMAGE ? TEXT : IMAGE;
    }
}
