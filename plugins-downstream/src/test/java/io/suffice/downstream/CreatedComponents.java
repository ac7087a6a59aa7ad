package io.suffice.downstream;

import io.suffice.api.data.Dataset;
import io.suffice.api.model.Encoder;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.tensor.HostTensor;
import io.suffice.data.jghm.JghmDataset;
import io.suffice.data.jghm.JghmSpec;
import io.suffice.encoders.transformer.TransformerEncoder;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Checks, for the config tests, that a component created from a resolved config section carries that section's
 * values (instead of only being created).
 */
public final class CreatedComponents {
    private CreatedComponents() {
    }

    /** The transformer encoder has the section's sizes and pooling. */
    public static void assertTransformer(Encoder created, PluginConfig c) {
        assertThat(created).isInstanceOf(TransformerEncoder.class);
        TransformerEncoder e = (TransformerEncoder) created;
        assertThat(List.of(e.vocab(), e.width(), e.depth(), e.heads(), e.embedding())).isEqualTo(List.of(
                c.getInt("vocab"), c.getInt("width"), c.getInt("depth"), c.getInt("heads"), c.getInt("embedding")));
        assertThat(e.pooling()).isEqualTo(c.getString("pooling"));
        assertThat(e.positionInit()).isEqualTo(c.getDouble("position-init"));
    }

    /** The generated JGHM is the one the dataset section describes (per-tree keys 0 / -1 inherit the shared ones). */
    public static void assertJghm(Dataset d, PluginConfig c) {
        assertThat(d).isInstanceOf(JghmDataset.class);
        JghmSpec spec = ((JghmDataset) d).model().spec();
        assertThat(spec).isEqualTo(new JghmSpec(c.getInt("states"),
                inherit(c.getInt("text-depth"), c.getInt("depth")),
                inherit(c.getInt("text-branching"), c.getInt("branching")),
                inherit(c.getInt("image-depth"), c.getInt("depth")),
                inherit(c.getInt("image-branching"), c.getInt("branching")),
                c.getDouble("text-p") == -1 ? c.getDouble("p") : c.getDouble("text-p"),
                c.getDouble("image-p") == -1 ? c.getDouble("p") : c.getDouble("image-p"),
                c.getDouble("noise-scale"), c.getLong("seed")));
    }

    private static int inherit(int own, int shared) {
        return own == 0 ? shared : own;
    }

    /**
     * The optimizer carries the config's stepsize and decoupled weight decay: Adam's first step (bias-corrected
     * moments m = g, v = g^2) moves each entry by {@code eta g / (|g| + eps)}, within 1e-8 relative of
     * {@code eta sign(g)}, and AdamW also shrinks the weights by {@code eta lambda w}; the cosine schedule's factor
     * is 1 at step 0 and the gradient's norm (0.56) is under the clip norm.
     */
    public static void assertAdamWFirstStep(Optimizer o, PluginConfig c) {
        assertThat(c.name()).isEqualTo("adamw");
        double eta = c.getDouble("stepsize");
        double lambda = c.getDouble("weight-decay");
        HostTensor w = HostTensor.of(new double[]{1.0, -2.0}, 2);
        o.step(List.of(w), List.of(HostTensor.of(new double[]{0.5, -0.25}, 2)), new StepInfo(0, 600, 1.0));
        double[] expected = {1.0 - eta - eta * lambda * 1.0, -2.0 + eta + eta * lambda * 2.0};
        double[] got = w.toDoubleArray();
        assertThat(got[0]).isCloseTo(expected[0], within(1e-9));
        assertThat(got[1]).isCloseTo(expected[1], within(1e-9));
    }
}
