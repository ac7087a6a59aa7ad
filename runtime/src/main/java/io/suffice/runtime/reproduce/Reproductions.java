package io.suffice.runtime.reproduce;

import java.util.List;

/** Every figure {@code suffice reproduce} knows, in the order {@code --list} prints them. */
public final class Reproductions {
    private Reproductions() {
    }

    /** The figures. */
    public static List<Reproduction> all() {
        return List.of(new ClipFig2a(), new ClipFig2b(), new ClipFig2c(), new ClipFig2d(), new ClipFig5(),
                new ClipFig7(), new ClipFig8(), new ClipFig9(), new LsFig1(), new LsFig2(), new LsFig4(),
                new LsAdaptive());
    }

    /** The figure with id {@code id}, or an error naming the ids. */
    public static Reproduction of(String id) {
        for (Reproduction r : all()) {
            if (r.id().equals(id)) {
                return r;
            }
        }
        throw new IllegalArgumentException("unknown figure '" + id + "'; ids: "
                + String.join(", ", all().stream().map(Reproduction::id).toList()));
    }
}
