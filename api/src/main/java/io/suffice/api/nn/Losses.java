package io.suffice.api.nn;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.GraphBuildException;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

/** Scalar losses built from graph primitives (so autodiff and export need nothing special). Stateless. */
public final class Losses {
    private Losses() {
    }

    /**
     * Mean softmax cross-entropy of {@code logits [N, C]} against INT64 class indices {@code labels [N]}; the
     * one-hot selection is an Equal against the class range, which differentiates cleanly.
     */
    public static Value crossEntropy(Graph g, Value logits, Value labels) {
        if (logits.rank() != 2 || labels.rank() != 1 || labels.dtype() != DType.INT64) {
            throw new GraphBuildException("crossEntropy needs logits [N, C] and INT64 labels [N], got " + logits
                    + " and " + labels);
        }
        long classes = logits.shape().dim(1);
        long[] range = new long[(int) classes];
        for (int i = 0; i < range.length; i++) {
            range[i] = i;
        }
        Value oneHot = g.cast(g.equal(g.unsqueeze(labels, 1), g.constant(HostTensor.of(range, classes))),
                logits.dtype());
        Value picked = g.reduceSum(g.mul(oneHot, g.logSoftmax(logits, 1)), false, 1);
        return g.neg(g.reduceMean(picked, false));
    }
}
