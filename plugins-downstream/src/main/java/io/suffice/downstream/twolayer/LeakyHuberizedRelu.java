package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

/**
 * Leaky Huberized ReLU {@code phi(z) = c z + (1 - c) H_h(z)} with the Huberized ReLU
 * <pre>
 *   H_h(z) = 0              for z &lt; 0,
 *            z^2 / (2 h)    for 0 &lt;= z &lt;= h,
 *            z - h / 2      for z &gt; h;
 * </pre>
 * {@code c = 0} is the Huberized ReLU. {@code H_h' = clamp(z / h, 0, 1)}, {@code H_h'' = 1/h} on {@code (0, h)} and 0
 * elsewhere, so {@code beta = (1 - c) / h}; {@code H_h - z H_h'} is {@code -z^2/(2h)} on {@code [0, h]} and
 * {@code -h/2} beyond, so {@code kappa = (1 - c) h / 2}; {@code phi' in [c, 1]}.
 * <p>
 * Graph form: {@code c z + (1 - c) Where(z <= 0, 0, Where(z <= h, z^2/(2h), z - h/2))}, the pieces chosen exactly as
 * {@link #value} chooses them, so autodiff's derivative is {@link #derivative}'s.
 *
 * @param c leakiness in [0, 1)
 * @param h threshold {@code > 0} where the quadratic piece joins the linear one
 */
public record LeakyHuberizedRelu(double c, double h) implements Activation {
    public LeakyHuberizedRelu {
        if (!(c >= 0 && c < 1)) {
            throw new IllegalArgumentException("leakiness must be in [0, 1), got " + c);
        }
        if (!(h > 0) || Double.isInfinite(h)) {
            throw new IllegalArgumentException("huber threshold must be a finite positive number, got " + h);
        }
    }

    @Override
    public Value apply(Graph g, Value z) {
        Value zero = GraphMath.constant(g, 0, z);
        Value quadratic = g.div(g.mul(z, z), GraphMath.constant(g, 2 * h, z));
        Value linear = g.sub(z, GraphMath.constant(g, h / 2, z));
        Value hub = g.where(g.lessOrEqual(z, zero), zero,
                g.where(g.lessOrEqual(z, GraphMath.constant(g, h, z)), quadratic, linear));
        if (c == 0) {
            return hub;
        }
        return g.add(g.mul(GraphMath.constant(g, c, z), z), g.mul(GraphMath.constant(g, 1 - c, z), hub));
    }

    @Override
    public double value(double z) {
        double hub = z <= 0 ? 0 : z <= h ? z * z / (2 * h) : z - h / 2;
        return c * z + (1 - c) * hub;
    }

    @Override
    public double derivative(double z) {
        double hub = z <= 0 ? 0 : z <= h ? z / h : 1;
        return c + (1 - c) * hub;
    }

    @Override
    public double secondDerivative(double z) {
        return z > 0 && z < h ? (1 - c) / h : 0;
    }

    @Override
    public double derivativeBound() {
        return 1;
    }

    @Override
    public double curvatureBound() {
        return (1 - c) / h;
    }

    @Override
    public double kappa() {
        return (1 - c) * h / 2;
    }

    @Override
    public double leakiness() {
        return c;
    }
}
