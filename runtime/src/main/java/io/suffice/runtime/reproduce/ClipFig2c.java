package io.suffice.runtime.reproduce;

/** {@code clip-fig2c}: the conditional denoiser on frozen CLIP text features (rules: {@link GenerativeFigure}). */
final class ClipFig2c extends GenerativeFigure {
    @Override
    public String id() {
        return "clip-fig2c";
    }

    @Override
    public String claim() {
        return "A denoiser on frozen CLIP text features lies between the no-text Bayes denoiser and the Bayes one, "
                + "about as good as end-to-end training.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), Fig. 2c (9-block denoiser, width 128, 30k steps); laptop: depth-2 tree, "
                + "3-block CLIP towers (3k steps) and denoiser (4k steps), 1 seed";
    }

    @Override
    String config() {
        return "denoise-laptop";
    }

    @Override
    String metric() {
        return "eval_mse";
    }

    @Override
    String paper() {
        return "frozen ~ joint, both well below the no-text value";
    }
}
