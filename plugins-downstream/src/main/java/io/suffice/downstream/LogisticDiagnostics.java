package io.suffice.downstream;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.train.TrainingPlan;
import io.suffice.downstream.twolayer.GraphMath;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The logistic loss and the per-step diagnostics of the large-stepsize papers (Wu, Bartlett, Telgarsky, Yu, COLT 2024;
 * Cai, Wu, Mei, Lindsey, Bartlett, NeurIPS 2024) as float64 graph values of a binary classifier {@code f} with labels
 * {@code y in {-1, +1}}:
 * <pre>
 *   margins          y_i f(x_i)
 *   risk             (1/n) sum_i softplus(-y_i f(x_i))          (= log(1 + exp(-y_i f)), finite for huge margins)
 *   grad_norm        ||grad of the trained objective||_2 over all trained parameters
 *   param_norm       ||W||_F (Euclidean norm over all trained parameters)
 *   normalized_margin  min_i y_i f(x_i) / ||W||_F               (0 while ||W|| = 0)
 *   accuracy         fraction of samples with y_i f(x_i) &gt; 0
 * </pre>
 * All in the dtype of the margins (float64 for the tasks; float32 only for the benchmark workloads of
 * {@code two-layer-gd}, where softplus is ONNX Runtime's float32 kernel). The names are the {@code metrics.csv} columns of {@code two-layer-gd} and {@code logistic-regression}. The risk uses
 * {@link GraphMath#softplus}: a per-sample term {@code softplus(-margin) = e^{-margin}} stays exact down to the
 * smallest doubles (a risk of 1e-300 is resolved), and its derivative {@code -sigmoid(-margin)} keeps full relative
 * accuracy however large the margin.
 */
final class LogisticDiagnostics {
    static final String RISK = "risk";
    static final String GRAD_NORM = "grad_norm";
    static final String PARAM_NORM = "param_norm";
    static final String NORMALIZED_MARGIN = "normalized_margin";
    static final String ACCURACY = "accuracy";
    /** The accuracy on a dataset's held-out examples ({@link io.suffice.api.data.Dataset#heldOut()}). */
    static final String TEST_ACCURACY = "test_accuracy";
    /** The columns in their {@code metrics.csv} order. */
    static final List<String> COLUMNS = List.of(RISK, GRAD_NORM, PARAM_NORM, NORMALIZED_MARGIN, ACCURACY);

    private LogisticDiagnostics() {
    }

    /** {@code y_i f(x_i)}. */
    static Value margins(Graph g, Value f, Value y) {
        return g.mul(y, f);
    }

    /** {@code mean_i softplus(-margin_i)}. */
    static Value risk(Graph g, Value margins) {
        return g.reduceMean(GraphMath.softplus(g, g.neg(margins)), false);
    }

    /** The Euclidean norm of all entries of {@code values} together. */
    static Value norm(Graph g, Collection<Value> values) {
        Value sum = null;
        for (Value v : values) {
            Value s = g.reduceSum(g.mul(v, v), false);
            sum = sum == null ? s : g.add(sum, s);
        }
        return g.sqrt(sum);
    }

    /** {@code min_i margin_i / norm}, 0 where {@code norm} is 0. */
    static Value normalizedMargin(Graph g, Value margins, Value norm) {
        Value zero = GraphMath.constant(g, 0, margins);
        Value min = g.neg(g.reduceMax(g.neg(margins), false));
        Value positive = g.greater(norm, zero);
        Value safeNorm = g.where(positive, norm, GraphMath.constant(g, 1, norm));
        return g.where(positive, g.div(min, safeNorm), zero);
    }

    /** The fraction of positive margins. */
    static Value accuracy(Graph g, Value margins) {
        return g.reduceMean(g.cast(g.greater(margins, GraphMath.constant(g, 0, margins)), margins.dtype()), false);
    }

    /**
     * {@code grad_norm}: the Euclidean norm of the gradient of the plan's objective (the minibatch's risk when the
     * task trains on minibatches).
     */
    static TrainingPlan.GradientMetrics gradNorm() {
        return (g, gradients) -> Map.of(GRAD_NORM, norm(g, gradients.values()));
    }
}
