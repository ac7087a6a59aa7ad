package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * Leaky ReLU {@code phi(z) = max(c z, z)} for {@code c in [0, 1)}; {@code c = 0} is ReLU. Exactly 1-homogeneous
 * ({@code kappa = 0}) but not smooth ({@code beta = infinity}): the paper's comparison case. {@code phi'} is
 * {@code c} for {@code z < 0} and 1 for {@code z >= 0}.
 * <p>
 * Graph form: {@code Where(z >= 0, z, c z)}. ONNX Runtime's float64 LeakyRelu runs only through casts it inserts
 * (to float32 and back), so it is not used; the {@code Where} also gives autodiff the right derivative 1 at 0, as
 * {@link #derivative} has it (a {@code Relu} has derivative 0 there).
 *
 * @param c leakiness (slope for negative inputs)
 */
public record LeakyRelu(double c) implements Activation {
    public LeakyRelu {
        if (!(c >= 0 && c < 1)) {
            throw new IllegalArgumentException("leakiness must be in [0, 1), got " + c);
        }
    }

    @Override
    public Value apply(Graph g, Value z) {
        return g.where(g.greaterOrEqual(z, GraphMath.constant(g, 0, z)), z, g.mul(z, GraphMath.constant(g, c, z)));
    }

    @Override
    public double value(double z) {
        return z >= 0 ? z : c * z;
    }

    @Override
    public double derivative(double z) {
        return z >= 0 ? 1 : c;
    }

    @Override
    public double secondDerivative(double z) {
        return 0;
    }

    @Override
    public double derivativeBound() {
        return 1;
    }

    @Override
    public double curvatureBound() {
        return Double.POSITIVE_INFINITY;
    }

    @Override
    public double kappa() {
        return 0;
    }

    @Override
    public double leakiness() {
        return c;
    }
}
