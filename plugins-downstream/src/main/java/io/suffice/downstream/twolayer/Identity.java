package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * The identity {@code phi(z) = z}: the two-layer network degenerates to the linear model
 * {@code f(x) = ((1/m) sum_j a_j w_j) . x}. Exactly homogeneous: {@code phi' = 1}, {@code beta = kappa = 0},
 * {@code alpha = 1}.
 * <p>
 * Graph form: {@code z} itself.
 */
public record Identity() implements Activation {
    @Override
    public Value apply(Graph g, Value z) {
        return z;
    }

    @Override
    public double value(double z) {
        return z;
    }

    @Override
    public double derivative(double z) {
        return 1;
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
        return 0;
    }

    @Override
    public double kappa() {
        return 0;
    }

    @Override
    public double leakiness() {
        return 1;
    }
}
