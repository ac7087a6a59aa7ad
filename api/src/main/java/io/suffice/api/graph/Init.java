package io.suffice.api.graph;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;

import java.util.SplittableRandom;

/**
 * A parameter initialiser: fills a freshly allocated float tensor. The random source is derived from the graph seed
 * and the parameter's name, so initial values do not depend on the order in which parameters are declared.
 * Implementations must be stateless (safe to share).
 */
@FunctionalInterface
public interface Init {

    /** Fills {@code t} (FLOAT32 or FLOAT64, static shape) in place. */
    void fill(HostTensor t, SplittableRandom rng);

    static Init zeros() {
        return (t, rng) -> { };
    }

    static Init constant(double value) {
        return (t, rng) -> set(t, i -> value);
    }

    static Init ones() {
        return constant(1.0);
    }

    /** Independent draws from U(-bound, bound). */
    static Init uniform(double bound) {
        return (t, rng) -> set(t, i -> (2 * rng.nextDouble() - 1) * bound);
    }

    /** Independent draws from N(0, std^2). */
    static Init normal(double std) {
        return (t, rng) -> set(t, i -> gaussian(rng) * std);
    }

    /** Explicit values in row-major order (tests, fixed weights). */
    static Init values(double... values) {
        return (t, rng) -> {
            if (values.length != t.size()) {
                throw new IllegalArgumentException(values.length + " values for a tensor of shape " + t.shape());
            }
            set(t, i -> values[i]);
        };
    }

    /** A standard normal draw by Box-Muller; SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom rng) {
        double u = rng.nextDouble();
        double v = rng.nextDouble();
        return Math.sqrt(-2 * Math.log(1 - u)) * Math.cos(2 * Math.PI * v);
    }

    private static void set(HostTensor t, java.util.function.IntToDoubleFunction f) {
        int n = t.size();
        if (t.dtype() == DType.FLOAT32) {
            var b = t.floats();
            for (int i = 0; i < n; i++) {
                b.put(i, (float) f.applyAsDouble(i));
            }
        } else if (t.dtype() == DType.FLOAT64) {
            var b = t.doubles();
            for (int i = 0; i < n; i++) {
                b.put(i, f.applyAsDouble(i));
            }
        } else {
            throw new IllegalArgumentException("cannot initialise a " + t.dtype() + " tensor");
        }
    }
}
