package io.suffice.downstream.generative;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

/**
 * The additive causal attention mask {@code [1, 1, T, T]}: position {@code q} attends to positions {@code k <= q}
 * (entry 0) and ignores later ones (entry {@link #BLOCKED}). With a prefix token at position 0 this gives the VLM's
 * pattern (contrastive-jghm.md sec. 4-5): the prefix attends to itself, text attends to the prefix and earlier text.
 */
public final class CausalMask {
    /** Added to the scores of ignored positions; exp underflows to exactly 0 in float32 and float64. */
    public static final double BLOCKED = -1e9;

    private CausalMask() {
    }

    /** The mask values, row-major {@code [T, T]}. */
    public static double[] values(int t) {
        double[] m = new double[t * t];
        for (int q = 0; q < t; q++) {
            for (int k = q + 1; k < t; k++) {
                m[q * t + k] = BLOCKED;
            }
        }
        return m;
    }

    /** The mask as a graph constant {@code [1, 1, T, T]} of {@code dtype}. */
    public static Value of(Graph g, int t, DType dtype) {
        double[] m = values(t);
        if (dtype == DType.FLOAT64) {
            return g.constant(HostTensor.of(m, 1, 1, t, t));
        }
        float[] f = new float[m.length];
        for (int i = 0; i < m.length; i++) {
            f[i] = (float) m[i];
        }
        return g.constant(HostTensor.of(f, 1, 1, t, t));
    }
}
