package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * Leaky GELU {@code phi(z) = c z + (1 - c) z Phi(z)}, with the exact standard normal CDF
 * {@code Phi(z) = erfc(-z / sqrt 2) / 2} (no tanh approximation); {@code c = 0} is GELU. With the normal density
 * {@code p(z) = exp(-z^2/2) / sqrt(2 pi)}:
 * {@code GELU' = Phi(z) + z p(z)}, {@code GELU'' = p(z) (2 - z^2)}, {@code GELU - z GELU' = -z^2 p(z)}.
 * Constants of GELU: {@code sup |phi'| = Phi(sqrt 2) + sqrt 2 p(sqrt 2) ~ 1.1289} (slightly above 1),
 * {@code inf phi' = Phi(-sqrt 2) - sqrt 2 p(sqrt 2) ~ -0.1289}, {@code beta = 2 p(0) = sqrt(2/pi)},
 * {@code kappa = 2 p(sqrt 2) = 2 e^-1 / sqrt(2 pi) ~ 0.2935}. The leaky form scales these by {@code 1 - c} and adds
 * {@code c} to the derivative bounds.
 * <p>
 * Graph form: {@code c z + ((1 - c) z) Phi(z)} with {@code Phi} from {@link GraphMath#normalCdf}, i.e. W. J. Cody's
 * rational approximations of erfc (relative error below 2e-15 as evaluated), because ONNX Runtime has no float64 Erf
 * kernel; the derivative autodiff takes of it matches {@code Phi(z) + z p(z)} to below 1e-15 (tested).
 *
 * @param c leakiness in [0, 1)
 */
public record LeakyGelu(double c) implements Activation {
    private static final double INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);
    private static final double GELU_MAX_SLOPE = 0.5 * Erf.erfc(-1) + Math.sqrt(2) * INV_SQRT_2PI * Math.exp(-1);

    public LeakyGelu {
        if (!(c >= 0 && c < 1)) {
            throw new IllegalArgumentException("leakiness must be in [0, 1), got " + c);
        }
    }

    /** Standard normal CDF, accurate in both tails. */
    static double normalCdf(double z) {
        return 0.5 * Erf.erfc(-z / Math.sqrt(2));
    }

    private static double density(double z) {
        return INV_SQRT_2PI * Math.exp(-0.5 * z * z);
    }

    @Override
    public Value apply(Graph g, Value z) {
        Value gelu = g.mul(g.mul(GraphMath.constant(g, 1 - c, z), z), GraphMath.normalCdf(g, z));
        return c == 0 ? gelu : g.add(g.mul(GraphMath.constant(g, c, z), z), gelu);
    }

    @Override
    public double value(double z) {
        return c * z + (1 - c) * z * normalCdf(z);
    }

    @Override
    public double derivative(double z) {
        return c + (1 - c) * (normalCdf(z) + z * density(z));
    }

    @Override
    public double secondDerivative(double z) {
        return Math.abs(z) > 40 ? 0 : (1 - c) * density(z) * (2 - z * z); // density underflows beyond 40
    }

    @Override
    public double derivativeBound() {
        return c + (1 - c) * GELU_MAX_SLOPE;
    }

    @Override
    public double curvatureBound() {
        return (1 - c) * 2 * INV_SQRT_2PI;
    }

    @Override
    public double kappa() {
        return (1 - c) * 2 * INV_SQRT_2PI * Math.exp(-1);
    }

    @Override
    public double leakiness() {
        return c + (1 - c) * (1 - GELU_MAX_SLOPE);
    }
}
