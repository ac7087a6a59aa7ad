package io.suffice.runtime.reproduce;

/** {@code clip-fig9}: only the image modality shifted (rules: {@link ShiftFigure}). */
final class ClipFig9 extends ShiftFigure {
    @Override
    public String id() {
        return "clip-fig9";
    }

    @Override
    public String claim() {
        return "With only the image tree's p shifted, encoders trained at p = 0.2 still track BP run with the "
                + "training matrices rather than the true Bayes answer.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), one modality shifted (Fig. 9 in our numbering); laptop: as clip-fig8 with "
                + "dataset.image-p shifted and the text tree at p = 0.2";
    }

    @Override
    String shiftedKey() {
        return "dataset.image-p";
    }
}
