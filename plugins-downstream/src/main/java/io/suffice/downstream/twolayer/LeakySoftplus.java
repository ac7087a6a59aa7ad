package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * Leaky softplus {@code phi(z) = c z + (1 - c) softplus(z)}, {@code softplus(z) = log(1 + e^z)}; {@code c = 0} is
 * softplus. The paper's main smooth near-homogeneous activation:
 * {@code phi'(z) = c + (1 - c) sigmoid(z) in [c, 1]}, {@code phi''(z) = (1 - c) sigmoid(z) (1 - sigmoid(z))}, so
 * {@code beta = (1 - c) / 4}; {@code phi(z) - z phi'(z) = (1 - c) (softplus(z) - z sigmoid(z))}, whose modulus is
 * largest at {@code z = 0}: {@code kappa = (1 - c) log 2}.
 * <p>
 * Graph form: {@code c z + (1 - c) softplus(z)} with {@link GraphMath#softplus} (ONNX Runtime has no float64
 * Softplus kernel, and its float64 Sigmoid, the derivative, is inexact for negative arguments).
 *
 * @param c leakiness in [0, 1)
 */
public record LeakySoftplus(double c) implements Activation {
    public LeakySoftplus {
        if (!(c >= 0 && c < 1)) {
            throw new IllegalArgumentException("leakiness must be in [0, 1), got " + c);
        }
    }

    @Override
    public Value apply(Graph g, Value z) {
        Value sp = GraphMath.softplus(g, z);
        if (c == 0) {
            return sp;
        }
        return g.add(g.mul(GraphMath.constant(g, c, z), z), g.mul(GraphMath.constant(g, 1 - c, z), sp));
    }

    @Override
    public double value(double z) {
        return c * z + (1 - c) * Activation.softplus(z);
    }

    @Override
    public double derivative(double z) {
        return c + (1 - c) * Activation.sigmoid(z);
    }

    @Override
    public double secondDerivative(double z) {
        double s = Activation.sigmoid(z);
        return (1 - c) * s * (1 - s);
    }

    @Override
    public double derivativeBound() {
        return 1;
    }

    @Override
    public double curvatureBound() {
        return (1 - c) / 4;
    }

    @Override
    public double kappa() {
        return (1 - c) * Math.log(2);
    }

    @Override
    public double leakiness() {
        return c;
    }
}
