package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * Leaky SiLU {@code phi(z) = c z + (1 - c) z sigmoid(z)}; {@code c = 0} is SiLU (swish). With {@code s = sigmoid(z)}:
 * {@code SiLU' = s + z s (1 - s)}, {@code SiLU'' = s (1 - s) (2 + z (1 - 2 s))},
 * {@code SiLU - z SiLU' = -z^2 s (1 - s)}. The extremes of {@code SiLU'} and of {@code z^2 s (1 - s)} both sit at the
 * root {@code z* ~ 2.39936} of {@code z tanh(z/2) = 2}: {@code sup |SiLU'| ~ 1.09984}, {@code inf SiLU' ~ -0.09984}
 * (since {@code SiLU'(-z) = 1 - SiLU'(z)}), {@code kappa ~ 0.43923}; {@code beta = SiLU''(0) = 1/2}. The leaky form
 * scales these by {@code 1 - c} and adds {@code c} to the derivative bounds.
 * <p>
 * Graph form: {@code c z + ((1 - c) z) sigmoid(z)} with {@link GraphMath#sigmoid}, which keeps full relative
 * accuracy for negative {@code z} where ONNX Runtime's float64 Sigmoid does not.
 *
 * @param c leakiness in [0, 1)
 */
public record LeakySilu(double c) implements Activation {
    /** {@code SiLU'(z*)}, from solving {@code z tanh(z/2) = 2} by bisection. */
    static final double SILU_MAX_SLOPE = 1.0998393201288668;
    /** {@code z*^2 s(z*) (1 - s(z*))}. */
    static final double SILU_KAPPA = 0.4392288398906449;

    public LeakySilu {
        if (!(c >= 0 && c < 1)) {
            throw new IllegalArgumentException("leakiness must be in [0, 1), got " + c);
        }
    }

    @Override
    public Value apply(Graph g, Value z) {
        Value silu = g.mul(g.mul(GraphMath.constant(g, 1 - c, z), z), GraphMath.sigmoid(g, z));
        return c == 0 ? silu : g.add(g.mul(GraphMath.constant(g, c, z), z), silu);
    }

    @Override
    public double value(double z) {
        return c * z + (1 - c) * z * Activation.sigmoid(z);
    }

    @Override
    public double derivative(double z) {
        double s = Activation.sigmoid(z);
        return c + (1 - c) * (s + z * s * (1 - s));
    }

    @Override
    public double secondDerivative(double z) {
        double s = Activation.sigmoid(z);
        return (1 - c) * s * (1 - s) * (2 + z * (1 - 2 * s));
    }

    @Override
    public double derivativeBound() {
        return c + (1 - c) * SILU_MAX_SLOPE;
    }

    @Override
    public double curvatureBound() {
        return (1 - c) * 0.5;
    }

    @Override
    public double kappa() {
        return (1 - c) * SILU_KAPPA;
    }

    @Override
    public double leakiness() {
        return c + (1 - c) * (1 - SILU_MAX_SLOPE);
    }
}
