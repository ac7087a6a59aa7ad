package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;

import java.util.List;

/**
 * A scalar activation {@code phi} of the two-layer network {@code f(x; W) = (1/m) sum_j a_j phi(w_j . x)} of the
 * large-stepsize paper (Cai, Wu, Mei, Lindsey, Bartlett, NeurIPS 2024, arXiv 2406.08654, Section 2): value, first and
 * second derivative, and the constants of its near-homogeneity assumption:
 * <ul>
 *   <li>{@link #derivativeBound()} {@code = sup |phi'(z)|} (the paper assumes at most 1; GELU and SiLU exceed it
 *       slightly, which only changes constants);</li>
 *   <li>{@link #curvatureBound()} {@code beta = sup |phi''(z)|} (infinite for the non-smooth ReLU family);</li>
 *   <li>{@link #kappa()} {@code = sup |phi(z) - z phi'(z)|} (0 for exactly 1-homogeneous activations);</li>
 *   <li>{@link #leakiness()} {@code alpha = inf phi'(z)} (positive for the "leaky" forms the finite first phase
 *       needs).</li>
 * </ul>
 * Every leaky form is {@code phi_c(z) = c z + (1 - c) phi(z)}, so {@code phi_c' = c + (1 - c) phi'},
 * {@code beta_c = (1 - c) beta}, {@code kappa_c = (1 - c) kappa}. Implementations are immutable records; values stay
 * finite for every finite {@code z}.
 * <p>
 * Each activation exists twice: as plain Java ({@link #value}, {@link #derivative}: the reference the tests hold the
 * engine to) and as graph operators ({@link #apply}: what the {@code two-layer-gd} task trains, in float64), the
 * latter from operators ONNX Runtime runs in float64 on the CPU (see {@link GraphMath}); each record's Javadoc gives
 * the formula and how its graph form is built.
 */
public sealed interface Activation
        permits Identity, LeakyRelu, LeakySoftplus, LeakyGelu, LeakySilu, LeakyHuberizedRelu {

    /** Names accepted by {@link #of}. */
    List<String> NAMES = List.of("leaky-softplus", "softplus", "leaky-gelu", "gelu", "leaky-silu", "silu",
            "leaky-huber-relu", "huber-relu", "leaky-relu", "relu", "identity");

    /** {@code phi(z)}. */
    double value(double z);

    /**
     * {@code phi} applied elementwise to the value {@code z} of {@code g}, built so that the engine's autodiff derives
     * {@link #derivative} (to rounding; at kinks the same one-sided derivative). FLOAT64 {@code z} (the task) gets
     * the exact float64 routes of {@link GraphMath}; FLOAT32 {@code z} (benchmark workloads) ONNX Runtime's own
     * float32 kernels.
     */
    Value apply(Graph g, Value z);

    /** {@code phi'(z)} (for ReLU-type kinks: the right derivative at 0). */
    double derivative(double z);

    /** {@code phi''(z)} (0 away from kinks for the piecewise-linear forms). */
    double secondDerivative(double z);

    /** {@code sup |phi'|}. */
    double derivativeBound();

    /** {@code beta = sup |phi''|}; infinite for non-smooth activations. */
    double curvatureBound();

    /** {@code kappa = sup |phi(z) - z phi'(z)|}. */
    double kappa();

    /** {@code alpha = inf phi'}. */
    double leakiness();

    /**
     * The activation called {@code name} (one of {@link #NAMES}); {@code c} is the leakiness of the {@code leaky-*}
     * forms (in (0, 1); ignored by the others) and {@code h} the threshold of the Huberized forms.
     */
    static Activation of(String name, double c, double h) {
        boolean leaky = name.startsWith("leaky-");
        if (leaky && !(c > 0 && c < 1)) {
            throw new IllegalArgumentException("leakiness of " + name + " must be in (0, 1), got " + c);
        }
        double leak = leaky ? c : 0;
        return switch (leaky ? name.substring("leaky-".length()) : name) {
            case "softplus" -> new LeakySoftplus(leak);
            case "gelu" -> new LeakyGelu(leak);
            case "silu" -> new LeakySilu(leak);
            case "huber-relu" -> new LeakyHuberizedRelu(leak, h);
            case "relu" -> new LeakyRelu(leak);
            case "identity" -> {
                if (leaky) {
                    throw new IllegalArgumentException("unknown activation '" + name + "'; choices: " + NAMES);
                }
                yield new Identity();
            }
            default -> throw new IllegalArgumentException("unknown activation '" + name + "'; choices: " + NAMES);
        };
    }

    /** {@code softplus(z) = log(1 + e^z)}, finite for every finite {@code z}. */
    static double softplus(double z) {
        return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
    }

    /** {@code sigmoid(z) = 1 / (1 + e^-z)}, without overflow. */
    static double sigmoid(double z) {
        if (z >= 0) {
            return 1 / (1 + Math.exp(-z));
        }
        double e = Math.exp(z);
        return e / (1 + e);
    }
}
