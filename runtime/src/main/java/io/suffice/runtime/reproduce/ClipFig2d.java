package io.suffice.runtime.reproduce;

/** {@code clip-fig2d}: the vision-language model on frozen CLIP image features (rules: {@link GenerativeFigure}). */
final class ClipFig2d extends GenerativeFigure {
    @Override
    public String id() {
        return "clip-fig2d";
    }

    @Override
    public String claim() {
        return "A next-token model on the frozen CLIP image embedding lies between the no-image Bayes value and "
                + "the Bayes one, about as good as end-to-end training.";
    }

    @Override
    public String source() {
        return "Oko, Lin, Cai, Mei (2025), Fig. 2d (9-block VLM, width 256, 30k steps); laptop: depth-2 tree, "
                + "3-block CLIP towers (3k steps) and VLM (4k steps), 1 seed";
    }

    @Override
    String config() {
        return "vlm-laptop";
    }

    @Override
    String metric() {
        return "eval_ce";
    }

    @Override
    String paper() {
        return "frozen ~ joint, both below the no-image value";
    }
}
