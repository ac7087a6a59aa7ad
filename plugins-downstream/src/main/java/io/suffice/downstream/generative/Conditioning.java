package io.suffice.downstream.generative;

import java.util.Arrays;
import java.util.Locale;

/**
 * Where the conditioning token of a generative model comes from (contrastive-jghm.md sec. 4-5).
 */
public enum Conditioning {
    /** The frozen embedding of the other modality by a contrastively trained encoder (the paper's main setting). */
    FROZEN,
    /** An encoder of the same architecture trained end-to-end with the model on the raw tokens ("joint"). */
    JOINT,
    /** No conditioning: a learned constant token (the model can at best reach the no-conditioning Bayes value). */
    NONE;

    /** Lower-case name as used in configs and summaries. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config value ({@code frozen}, {@code joint}, {@code none}). */
    public static Conditioning parse(String s) {
        for (Conditioning c : values()) {
            if (c.label().equalsIgnoreCase(s.trim())) {
                return c;
            }
        }
        throw new IllegalArgumentException("conditioning must be one of " + Arrays.toString(labels()) + ", got '"
                + s + "'");
    }

    public static String[] labels() {
        return Arrays.stream(values()).map(Conditioning::label).toArray(String[]::new);
    }
}
