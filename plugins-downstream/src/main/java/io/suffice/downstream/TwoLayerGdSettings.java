package io.suffice.downstream;

/**
 * Settings of the {@code two-layer-gd} task (see {@link TwoLayerGd}).
 *
 * @param width      number of hidden units {@code m}
 * @param activation activation name, one of {@link io.suffice.downstream.twolayer.Activation#NAMES}
 * @param leakiness  {@code c} of the leaky activations
 * @param huber      threshold {@code h} of the Huberized ReLU
 * @param initScale  standard deviation of the Gaussian initialization of {@code W}
 * @param steps      number of optimizer steps {@code T}
 * @param logEvery   a metrics row every this many steps (and at the last)
 * @param targetRisk risk whose first-reaching step is reported
 * @param batchSize  0 for full-batch gradients; otherwise minibatches of this size drawn without replacement within
 *                   a step, independently across steps (SGD); diagnostics are always over the full sample
 * @param precision  {@value #FLOAT64} (the experiments) or {@value #FLOAT32} (the benchmark workloads, which time
 *                   the step the float32 PyTorch peer runs)
 * @param neuronMargins whether to report every neuron's own normalized margin ({@code neuron_margin_j})
 */
public record TwoLayerGdSettings(int width, String activation, double leakiness, double huber, double initScale,
                                 long steps, long logEvery, double targetRisk, int batchSize, String precision,
                                 boolean neuronMargins) {
    public static final String FLOAT64 = "float64";
    public static final String FLOAT32 = "float32";

    public TwoLayerGdSettings {
        if (width < 1 || steps < 1 || logEvery < 1 || batchSize < 0 || !(initScale >= 0)
                || !(FLOAT64.equals(precision) || FLOAT32.equals(precision))) {
            throw new IllegalArgumentException("invalid two-layer-gd settings: width " + width + ", steps " + steps
                    + ", log-every " + logEvery + ", batch-size " + batchSize + ", init-scale " + initScale
                    + ", precision " + precision);
        }
    }

    /** Settings without per-neuron margins. */
    public TwoLayerGdSettings(int width, String activation, double leakiness, double huber, double initScale,
                              long steps, long logEvery, double targetRisk, int batchSize, String precision) {
        this(width, activation, leakiness, huber, initScale, steps, logEvery, targetRisk, batchSize, precision,
                false);
    }

    /** Float64 settings. */
    public TwoLayerGdSettings(int width, String activation, double leakiness, double huber, double initScale,
                              long steps, long logEvery, double targetRisk, int batchSize) {
        this(width, activation, leakiness, huber, initScale, steps, logEvery, targetRisk, batchSize, FLOAT64);
    }
}
