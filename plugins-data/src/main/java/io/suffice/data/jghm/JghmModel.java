package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;

import java.util.OptionalLong;

/**
 * A Joint Generative Hierarchical Model (paper sec. 1): a root {@code y ~ Uniform[S]} shared by a text tree and an
 * image tree, each given by its {@link TreeModel}. Made by {@link TransitionMatrixGenerator} from a {@link JghmSpec}
 * or read by {@link JghmModelJson} (possibly written elsewhere). Immutable and thread-safe.
 */
public final class JghmModel {
    private final TreeModel text;
    private final TreeModel image;
    private final double textP;
    private final double imageP;
    private final double noiseScale;
    private final Long seed;

    /**
     * @param seed the seed the matrices were drawn from, or {@code null} when unknown (then {@link #withP} is
     *             unavailable)
     */
    public JghmModel(TreeModel text, TreeModel image, double textP, double imageP, double noiseScale, Long seed) {
        if (text.modality() != Modality.TEXT || image.modality() != Modality.IMAGE) {
            throw new InvalidModelException("trees given in the wrong order");
        }
        if (text.states() != image.states()) {
            throw new InvalidModelException("text has S=" + text.states() + " but image S=" + image.states());
        }
        if (!(noiseScale > 0)) {
            throw new InvalidModelException("noise scale must be positive, got " + noiseScale);
        }
        this.text = text;
        this.image = image;
        this.textP = textP;
        this.imageP = imageP;
        this.noiseScale = noiseScale;
        this.seed = seed;
    }

    /** The paper's model (S=10, L=4, m=3, sigma=1) at flip probability {@code p}. */
    public static JghmModel paper(double p, long seed) {
        return TransitionMatrixGenerator.generate(JghmSpec.paper(p, seed));
    }

    public TreeModel tree(Modality modality) {
        return modality == Modality.TEXT ? text : image;
    }

    public TreeModel text() {
        return text;
    }

    public TreeModel image() {
        return image;
    }

    /** S. */
    public int states() {
        return text.states();
    }

    /** Flip probability of one tree (a label for loaded models: the matrices are what count). */
    public double p(Modality modality) {
        return modality == Modality.TEXT ? textP : imageP;
    }

    /** Sigma of the denoising task's Gaussian noise. */
    public double noiseScale() {
        return noiseScale;
    }

    /** The seed of the matrices, when known. */
    public OptionalLong seed() {
        return seed == null ? OptionalLong.empty() : OptionalLong.of(seed);
    }

    /** The spec this model was generated from (when the seed is known). */
    public JghmSpec spec() {
        if (seed == null) {
            throw new IllegalStateException("this model has no seed, so no generating spec");
        }
        return new JghmSpec(states(), text.depth(), text.branching(), image.depth(), image.branching(), textP,
                imageP, noiseScale, seed);
    }

    /**
     * The same permutations and Gaussian matrices mixed with flip probability {@code p} in both trees (shift-in-p
     * experiments). Needs the seed; checks that regenerating at this model's own p reproduces its matrices.
     *
     * @throws IllegalStateException if the model has no seed or its matrices did not come from it
     */
    public JghmModel withP(double p) {
        if (seed == null) {
            throw new IllegalStateException("cannot change p: the model has no seed, so its permutation and Gaussian"
                    + " matrices are unknown");
        }
        JghmModel same = TransitionMatrixGenerator.generate(spec());
        double diff = Math.max(same.text.maxAbsDifference(text), same.image.maxAbsDifference(image));
        if (diff > 1e-9) {
            throw new IllegalStateException("cannot change p: the matrices were not generated from seed " + seed
                    + " at p=" + textP + "/" + imageP + " (max difference " + diff + ")");
        }
        return TransitionMatrixGenerator.generate(spec().withP(p));
    }

    @Override
    public String toString() {
        return "JghmModel[S=" + states() + ", text L=" + text.depth() + " m=" + text.branching() + " p=" + textP
                + ", image L=" + image.depth() + " m=" + image.branching() + " p=" + imageP + ", sigma=" + noiseScale
                + (seed == null ? "" : ", seed=" + seed) + "]";
    }
}
