package io.suffice.runtime.reproduce;

/** {@code clip-fig8}: shift in p of both modalities (rules: {@link ShiftFigure}). */
final class ClipFig8 extends ShiftFigure {
    @Override
    public String id() {
        return "clip-fig8";
    }

    @Override
    public String claim() {
        return "Encoders trained at p = 0.2 and tested at another p track BP run with the p = 0.2 matrices rather "
                + "than the true Bayes answer.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), shift in p (Fig. 8 in our numbering); laptop: depth-2 tree, 3-block "
                + "encoders trained 10k steps at p = 0.2, evaluated at p in {0.1, 0.15, 0.25, 0.3}";
    }

    @Override
    String shiftedKey() {
        return "dataset.p";
    }
}
