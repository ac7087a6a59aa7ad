package io.suffice.runtime.reproduce;

/** How big a reproduction runs: sized for 2 CPU cores, or at the paper's sizes (a GPU or a cluster). */
public enum Scale {
    /** At most 30 minutes on 2 CPU cores per figure, designed so that the claim is testable there. */
    LAPTOP("laptop"),
    /** The paper's sizes, where they are known. */
    PAPER("paper");

    private final String label;

    Scale(String label) {
        this.label = label;
    }

    /** The command-line spelling. */
    public String label() {
        return label;
    }

    /** The scale called {@code label}. */
    public static Scale of(String label) {
        for (Scale s : values()) {
            if (s.label.equals(label)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scale '" + label + "'; choices: laptop, paper");
    }
}
