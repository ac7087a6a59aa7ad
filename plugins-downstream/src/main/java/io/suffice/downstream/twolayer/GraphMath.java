package io.suffice.downstream.twolayer;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;

/**
 * Special functions built into a {@link Graph}. For FLOAT32 values they are ONNX Runtime's own float32 kernels
 * ({@code Softplus}, {@code Sigmoid}, {@code Erf}; the {@code precision: float32} of the benchmark workloads, which
 * time the step the PyTorch peer runs). For FLOAT64 values they are built from the operators that ONNX Runtime's
 * CPU build runs in float64 (measured on the bundled ORT 1.24.1: Add, Sub, Mul, Div, Exp, Log, Abs, Neg, Where, the
 * comparisons, Cast), each
 * written so that both its value and the derivative the engine's autodiff takes of it are accurate to a few ulps
 * relative, in the tails too. They exist because the direct routes are not exact in float64:
 * <ul>
 *   <li>ORT has no float64 kernels for {@code Softplus} and {@code Erf};</li>
 *   <li>its float64 {@code Sigmoid} computes {@code 1 - 1/(1 + e^z)} for {@code z < 0}, which loses all relative
 *       accuracy in the negative tail (measured: {@code sigmoid(-20)} off by 4e-8 relative, {@code sigmoid(-40) = 0}
 *       instead of 4.2e-18). The logistic loss's gradient is {@code -sigmoid(-margin)}, so with that kernel a
 *       large-stepsize run below risk ~1e-9 would follow a wrong gradient, and below ~1e-17 none at all.</li>
 * </ul>
 * Branches are selected with {@code Where}, and every branch is fed an argument inside its own range (others get a
 * harmless constant), so no branch produces Inf or NaN whose zero-weighted gradient could poison the sum.
 * Where a function has a kink-free formula on both sides of 0 the side {@code z = 0} is assigned to is the same for
 * every piece, so the derivative at exactly 0 is right (a logistic regression starts with every margin 0).
 * {@link #log1p} and {@link #erfc} take FLOAT64 only.
 */
public final class GraphMath {
    /** 1/sqrt(pi). */
    private static final double INV_SQRT_PI = 5.6418958354775628695e-1;
    /** Beyond this |x|, erfc(x) underflows double precision (Cody's XBIG is 26.543; we cut a little later). */
    private static final double ERFC_UNDERFLOW = 27;

    // W. J. Cody, "Rational Chebyshev approximations for the error function", Math. Comp. 23 (1969) 631-638;
    // coefficients of the double-precision program CALERF (Netlib SPECFUN).
    private static final double[] A = {3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02,
            3.20937758913846947e03, 1.85777706184603153e-1};
    private static final double[] B = {2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03,
            2.84423683343917062e03};
    private static final double[] C = {5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01,
            2.98635138197400131e02, 8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03,
            1.23033935479799725e03, 2.15311535474403846e-8};
    private static final double[] D = {1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02,
            1.62138957456669019e03, 3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03,
            1.23033935480374942e03};
    private static final double[] P = {3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1,
            1.60837851487422766e-2, 6.58749161529837803e-4, 1.63153871373020978e-2};
    private static final double[] Q = {2.56852019228982242e00, 1.87295284992346047e00, 5.27905102951428412e-1,
            6.05183413124413191e-2, 2.33520497626869185e-3};

    private GraphMath() {
    }

    /** A FLOAT64 scalar constant. */
    public static Value constant(Graph g, double v) {
        return g.scalar(v, DType.FLOAT64);
    }

    /** A scalar constant of {@code like}'s dtype. */
    public static Value constant(Graph g, double v, Value like) {
        return g.scalar(v, like.dtype());
    }

    /**
     * {@code log(1 + u)} for {@code u >= 0}: {@code log(w) - ((w - 1) - u) / w} with {@code w = 1 + u} rounded.
     * {@code (w - 1) - u} is exactly the rounding error of {@code w}, so the correction restores the digits the
     * rounding lost (for {@code u} below half an ulp of 1 the result is {@code u} itself); the error left is of
     * second order. Autodiff sees {@code d/du = 1/w + ((w - 1) - u)/w^2}, accurate too.
     */
    public static Value log1p(Graph g, Value u) {
        requireFloat64(u);
        Value one = constant(g, 1);
        Value w = g.add(one, u);
        Value rounding = g.sub(g.sub(w, one), u);
        return g.sub(g.log(w), g.div(rounding, w));
    }

    /**
     * {@code softplus(z) = log(1 + e^z) = max(z, 0) + log1p(e^{-|z|})}: finite for every finite {@code z}, exactly
     * {@code e^z} (to rounding) when that is below 1e-300, 0 only where {@code e^z} underflows. Its derivative as
     * autodiff forms it is {@code [z > 0] + sign * e^{-|z|} / (1 + e^{-|z|})}, i.e. {@code sigmoid(z)} with full
     * relative accuracy on both sides (0 is on the negative side in both pieces, so the derivative there is 1/2).
     */
    public static Value softplus(Graph g, Value z) {
        if (z.dtype() == DType.FLOAT32) {
            return g.softplus(z);
        }
        requireFloat64(z);
        Value zero = constant(g, 0);
        Value pos = g.greater(z, zero);
        Value e = g.exp(g.where(pos, g.neg(z), z)); // e^{-|z|}, in (0, 1]
        return g.add(g.where(pos, z, zero), log1p(g, e));
    }

    /**
     * {@code sigmoid(z) = 1/(1 + e^-z)} computed as {@code 1/(1 + e^{-|z|})} for {@code z > 0} and
     * {@code e^{-|z|}/(1 + e^{-|z|})} otherwise, so both tails keep full relative accuracy (unlike ORT's float64
     * Sigmoid, see the class comment); its autodiff derivative is {@code e^{-|z|}/(1 + e^{-|z|})^2}.
     */
    public static Value sigmoid(Graph g, Value z) {
        if (z.dtype() == DType.FLOAT32) {
            return g.sigmoid(z);
        }
        requireFloat64(z);
        Value zero = constant(g, 0);
        Value one = constant(g, 1);
        Value pos = g.greater(z, zero);
        Value e = g.exp(g.where(pos, g.neg(z), z));
        Value den = g.add(one, e);
        return g.where(pos, g.div(one, den), g.div(e, den));
    }

    /**
     * The complementary error function by W. J. Cody's rational Chebyshev approximations (Math. Comp. 23 (1969)
     * 631-638; the coefficients of his double-precision CALERF; as evaluated here in float64 the relative error is at
     * most 1.5e-15 from -6 to 26.5 against a 90-digit reference, and its autodiff derivative is within 6e-14 relative
     * of {@code -2/sqrt(pi) exp(-x^2)}; tested):
     * <pre>
     *   |x| &lt;= 0.46875:        erfc(x) = 1 - x A(x^2) / B(x^2)
     *   0.46875 &lt; |x| &lt;= 4:    erfc(|x|) = exp(-x^2) C(|x|) / D(|x|)
     *   4 &lt; |x| &lt; 27:          erfc(|x|) = exp(-x^2) / |x| (1/sqrt(pi) - x^-2 P(x^-2) / Q(x^-2))
     *   |x| &gt;= 27:             erfc(|x|) = 0 (below the smallest double)
     *   x &lt; 0 beyond the first range: erfc(x) = 2 - erfc(|x|)
     * </pre>
     * {@code exp(-x^2)} is formed as {@code exp(-s^2) exp(-(|x| - s)(|x| + s))} with {@code s = floor(16|x|)/16},
     * as CALERF does, so the rounding of {@code x^2} is not magnified by the exponential. {@code s} goes through an
     * INT64 cast, which autodiff treats as constant: right, since it is piecewise constant. The derivative autodiff
     * forms is the derivative of the approximation; tests compare it with {@code -2/sqrt(pi) exp(-x^2)}.
     */
    public static Value erfc(Graph g, Value x) {
        requireFloat64(x);
        Value one = constant(g, 1);
        Value ax = g.abs(x);
        Value small = g.lessOrEqual(ax, constant(g, 0.46875));
        Value middle = g.lessOrEqual(ax, constant(g, 4));
        Value inRange = g.less(ax, constant(g, ERFC_UNDERFLOW));

        // |x| <= 0.46875: 1 - x A(x^2)/B(x^2), on x itself (|x| has no useful derivative at 0)
        Value x1 = g.where(small, x, constant(g, 0.25));
        Value erfcSmall = g.sub(one, g.mul(x1, rational(g, g.mul(x1, x1), A, B)));

        // 0.46875 < |x| <= 4
        Value y2 = g.where(middle, ax, constant(g, 1));
        Value e2 = g.mul(expMinusSquare(g, y2), rational(g, y2, C, D));

        // 4 < |x| < 27
        Value y3 = g.where(g.and(g.greater(ax, constant(g, 4)), inRange), ax, constant(g, 5));
        Value s = g.div(one, g.mul(y3, y3));
        Value r3 = g.mul(s, rational(g, s, P, Q));
        Value e3 = g.mul(expMinusSquare(g, y3), g.div(g.sub(constant(g, INV_SQRT_PI), r3), y3));

        Value tail = g.where(middle, e2, g.where(inRange, e3, constant(g, 0)));
        Value signed = g.where(g.less(x, constant(g, 0)), g.sub(constant(g, 2), tail), tail);
        return g.where(small, erfcSmall, signed);
    }

    /**
     * The standard normal CDF {@code Phi(z) = erfc(-z / sqrt 2) / 2}, accurate relative to itself in the lower tail
     * (float32: {@code (1 + erf(z / sqrt 2)) / 2} with ONNX Runtime's float32 Erf).
     */
    public static Value normalCdf(Graph g, Value z) {
        if (z.dtype() == DType.FLOAT32) {
            Value half = constant(g, 0.5, z);
            return g.mul(half, g.add(constant(g, 1, z), g.erf(g.div(z, constant(g, Math.sqrt(2), z)))));
        }
        requireFloat64(z);
        return g.mul(constant(g, 0.5), erfc(g, g.neg(g.div(z, constant(g, Math.sqrt(2))))));
    }

    /**
     * CALERF's rational function of {@code t}: numerator {@code p[k+1] t^(k+1) + p[0] t^k + ... + p[k]}, denominator
     * {@code t^(k+1) + q[0] t^k + ... + q[k]} ({@code k + 1 = q.length}), by Horner's rule in CALERF's order.
     */
    private static Value rational(Graph g, Value t, double[] p, double[] q) {
        int k = q.length - 1;
        Value num = g.mul(constant(g, p[k + 1]), t);
        Value den = t;
        for (int i = 0; i < k; i++) {
            num = g.mul(g.add(num, constant(g, p[i])), t);
            den = g.mul(g.add(den, constant(g, q[i])), t);
        }
        return g.div(g.add(num, constant(g, p[k])), g.add(den, constant(g, q[k])));
    }

    /** {@code exp(-y^2)} for {@code 0 <= y < 2^58} as CALERF forms it (see {@link #erfc}). */
    private static Value expMinusSquare(Graph g, Value y) {
        Value sixteen = constant(g, 16);
        // floor(16 y) / 16 through INT64: a truncation that autodiff does not differentiate (y >= 0)
        Value s = g.div(g.cast(g.cast(g.mul(y, sixteen), DType.INT64), DType.FLOAT64), sixteen);
        Value del = g.mul(g.sub(y, s), g.add(y, s));
        return g.mul(g.exp(g.neg(g.mul(s, s))), g.exp(g.neg(del)));
    }

    private static void requireFloat64(Value v) {
        if (v.dtype() != DType.FLOAT64) {
            throw new IllegalArgumentException("GraphMath needs a FLOAT64 value, got " + v);
        }
    }
}
