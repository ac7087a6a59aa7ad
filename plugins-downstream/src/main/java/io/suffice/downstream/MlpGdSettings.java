package io.suffice.downstream;

/**
 * Settings of the {@code mlp-gd} task (see {@link MlpGd}).
 *
 * @param layers     number of weight matrices L (at least 2; the paper's Fig. 1 uses 4)
 * @param width      hidden width m
 * @param activation activation name, one of {@link io.suffice.downstream.twolayer.Activation#NAMES}
 * @param leakiness  c of the leaky activations
 * @param initScale  s of the {@code N(0, s^2 / fan-in)} initial entries
 * @param steps      optimizer steps
 * @param logEvery   a metrics row every this many steps (and at the last)
 * @param targetRisk risk whose first-reaching step is reported
 */
public record MlpGdSettings(int layers, int width, String activation, double leakiness, double initScale, long steps,
                            long logEvery, double targetRisk) {
    public MlpGdSettings {
        if (layers < 2 || width < 1 || steps < 1 || logEvery < 1 || !(initScale > 0)) {
            throw new IllegalArgumentException("invalid mlp-gd settings: layers " + layers + ", width " + width
                    + ", steps " + steps + ", log-every " + logEvery + ", init-scale " + initScale);
        }
    }
}
