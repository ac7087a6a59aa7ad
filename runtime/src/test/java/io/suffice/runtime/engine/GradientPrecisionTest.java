package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.function.DoubleUnaryOperator;

import static io.suffice.runtime.engine.GradCheck.checkDynamic;
import static io.suffice.runtime.engine.GradCheck.dynamic;
import static io.suffice.runtime.engine.GradCheck.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The resolving power of the gradient checks, and the rules they cannot reach in float64:
 * <ul>
 *   <li>a rule that is 0.1% wrong fails the float64 finite-difference check ({@link GradCheck});</li>
 *   <li>Erf has no double kernel in ONNX Runtime, so its rule and GELU's (which uses Erf) are pinned against their
 *       closed forms, {@code erf'(x) = 2/sqrt(pi) exp(-x^2)} and {@code gelu'(x) = Phi(x) + x phi(x)}, to 1e-5
 *       absolute (float32 rounding is ~1e-7 here; the constant 1.12 instead of 2/sqrt(pi) is off by 8.5e-3 at 0);</li>
 *   <li>with a symbolic ({@link Shape#DYNAMIC}) batch, every rule that needs a size reads it at run time: the
 *       gradients of a graph fed with batch 5 match finite differences in float64.</li>
 * </ul>
 */
class GradientPrecisionTest {
    private static final long D = Shape.DYNAMIC;

    // ------------------------------------------------------------------ resolving power

    @Test
    void aRuleOffByOneTenthOfAPercentFailsTheFloat64Check() {
        GradientRegistry offBy1e3 = GradientRegistry.standard().register("Tanh", (g, n, gy, need) -> {
            Value y = n.output();
            Value d = g.mul(g.sub(g.scalar(1, y.dtype()), g.mul(y, y)), g.scalar(1.001, y.dtype()));
            return List.of(g.mul(gy.get(0), d));
        });
        assertThatThrownBy(() -> GradCheck.check(DType.FLOAT64, offBy1e3, List.of(p("x", 2, 5)),
                (g, v) -> g.tanh(v.get(0)))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("gradient mismatch in FLOAT64");
        // while the correct rule passes with room to spare
        GradCheck.Outcome ok = GradCheck.check(List.of(p("x", 2, 5)), (g, v) -> g.tanh(v.get(0)));
        assertThat(ok.maxError()).isLessThan(1e-7);
    }

    @Test
    void smallGradientsAreJudgedRelativeToTheirParameter() {
        // the whole gradient is ~1e-3: an absolute tolerance would let a 0.1% error through, the relative one not
        GradientRegistry offBy1e3 = GradientRegistry.standard().register("Exp", (g, n, gy, need) ->
                List.of(g.mul(g.mul(gy.get(0), n.output()), g.scalar(1.001, n.output().dtype()))));
        assertThatThrownBy(() -> GradCheck.check(DType.FLOAT64, offBy1e3, List.of(p("x", 2, 3)),
                (g, v) -> g.mul(g.exp(v.get(0)), g.scalar(1e-3, DType.FLOAT64)))).isInstanceOf(AssertionError.class);
    }

    // ------------------------------------------------------------------ Erf and GELU against closed forms

    /** erf by its Taylor series, accurate to ~1e-13 for |x| <= 3 (terms peak near 1e2 there). */
    static double erf(double x) {
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= -x * x / n;
            double add = term / (2 * n + 1);
            sum += add;
            if (Math.abs(add) < 1e-18) {
                break;
            }
        }
        return 2 / Math.sqrt(Math.PI) * sum;
    }

    private static double[] grid() {
        double[] xs = new double[25];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = -3 + 0.25 * i + 0.01;
        }
        return xs;
    }

    /** d/dx sum(op(x)) by autodiff in float32, with the given rules. */
    private static double[] autodiffGradient(GradientRegistry rules, double[] xs,
                                             java.util.function.BiFunction<Graph, Value, Value> op) {
        Graph g = new Graph(0);
        float[] f = new float[xs.length];
        for (int i = 0; i < xs.length; i++) {
            f[i] = (float) xs[i];
        }
        Value x = g.input("x", DType.FLOAT32, xs.length);
        Value loss = g.reduceSum(op.apply(g, x), false);
        Value gx = new Autodiff(rules).gradients(loss, List.of(x)).get(0);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(x), Map.of("gx", gx))) {
            return e.run(Map.of("x", HostTensor.of(f, xs.length))).get("gx").toDoubleArray();
        }
    }

    private static void assertDerivative(double[] xs, double[] got, DoubleUnaryOperator want) {
        for (int i = 0; i < xs.length; i++) {
            double x = (float) xs[i];
            assertThat(got[i]).as("derivative at %s", x).isCloseTo(want.applyAsDouble(x), within(1e-5));
        }
    }

    @Test
    void javaErfReferenceIsRight() {
        assertThat(erf(0.5)).isCloseTo(0.5204998778130465, within(1e-15));
        assertThat(erf(-2.0)).isCloseTo(-0.9953222650189527, within(1e-15));
        assertThat(erf(3.0)).isCloseTo(0.9999779095030014, within(1e-13));
    }

    @Test
    void erfRuleIsTheClosedFormDerivative() {
        double[] xs = grid();
        assertDerivative(xs, autodiffGradient(GradientRegistry.standard(), xs, Graph::erf),
                x -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x));
    }

    @Test
    void geluRuleIsTheClosedFormDerivative() {
        double[] xs = grid();
        assertDerivative(xs, autodiffGradient(GradientRegistry.standard(), xs, Graph::gelu),
                x -> 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI));
    }

    @Test
    void anErfConstantOfOnePointOneTwoIsCaught() {
        GradientRegistry wrongErf = GradientRegistry.standard().register("Erf", (g, n, gy, need) -> {
            Value x = n.input(0);
            return List.of(g.mul(gy.get(0), g.mul(g.exp(g.neg(g.mul(x, x))), g.scalar(1.12, x.dtype()))));
        });
        double[] xs = grid();
        assertThatThrownBy(() -> assertDerivative(xs, autodiffGradient(wrongErf, xs, Graph::erf),
                x -> 2 / Math.sqrt(Math.PI) * Math.exp(-x * x))).isInstanceOf(AssertionError.class);
        // GELU has its own rule (it reads only x); the same slip inside it is caught too
        GradientRegistry wrongGelu = GradientRegistry.standard().register("Gelu", (g, n, gy, need) -> {
            Value x = n.input(0);
            Value s = g.mul(x, g.scalar(1 / Math.sqrt(2), x.dtype()));
            Value ex = g.mul(g.exp(g.neg(g.mul(s, s))), g.scalar(1.12, x.dtype()));
            Value d = g.add(g.add(g.erf(s), g.mul(s, ex)), g.scalar(1, x.dtype()));
            return List.of(g.mul(g.mul(gy.get(0), g.scalar(0.5, x.dtype())), d));
        });
        assertThatThrownBy(() -> assertDerivative(xs, autodiffGradient(wrongGelu, xs, Graph::gelu),
                x -> 0.5 * (1 + erf(x / Math.sqrt(2))) + x * Math.exp(-x * x / 2) / Math.sqrt(2 * Math.PI)))
                .isInstanceOf(AssertionError.class);
    }

    // ------------------------------------------------------------------ symbolic batch

    @Test
    void reduceMeanOverASymbolicBatchDividesByTheRunTimeSize() {
        for (boolean keep : new boolean[]{true, false}) {
            checkDynamic(DType.FLOAT64, List.of(p("w", 3)), List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 3), 5, 3)),
                    (g, v) -> g.reduceMean(g.mul(v.get(1), v.get(0)), keep, 0));
            checkDynamic(DType.FLOAT64, List.of(), List.of(dynamic("x", DType.FLOAT64, Shape.of(D, D, 4), 2, 3, 4)),
                    (g, v) -> g.reduceMean(v.get(0), keep, 0, 1));
        }
        // every axis, one of them symbolic: the scalar mean
        checkDynamic(DType.FLOAT64, List.of(), List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 3), 5, 3)),
                (g, v) -> g.reduceMean(v.get(0), false));
    }

    @Test
    void aReduceMeanRuleThatIgnoresTheSymbolicBatchIsCaught() {
        // divides by the static dims only, as a rule that skipped the run-time count would: right for static
        // shapes, a factor of the batch size off for a symbolic one
        GradientRegistry wrong = GradientRegistry.standard().register("ReduceMean", (g, n, gy, need) -> {
            Value x = n.input(0);
            long count = 1;
            for (long a : n.attrLongs("axes")) {
                long d = x.shape().dim((int) a);
                count *= d == Shape.DYNAMIC ? 1 : d;
            }
            Value dy = n.attrLong("keepdims", 1) == 1 ? gy.get(0) : g.unsqueeze(gy.get(0), n.attrLongs("axes"));
            return List.of(g.expandLike(g.div(dy, g.scalar(count, x.dtype())), x));
        });
        assertThatThrownBy(() -> checkDynamic(DType.FLOAT64, wrong, List.of(p("w", 3)),
                List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 3), 5, 3)),
                (g, v) -> g.reduceMean(g.mul(v.get(1), v.get(0)), true, 0))).isInstanceOf(AssertionError.class);
        // and the same wrong rule passes a static check: only the symbolic one finds it
        GradCheck.check(DType.FLOAT64, wrong, List.of(p("x", 5, 3)), (g, v) -> g.reduceMean(v.get(0), true, 0));
    }

    @Test
    void broadcastingAndReductionsWithASymbolicBatch() {
        List<GradCheck.Feed> x = List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 4), 5, 4));
        checkDynamic(DType.FLOAT64, List.of(p("b", 4)), x, (g, v) -> g.add(v.get(1), v.get(0)));
        checkDynamic(DType.FLOAT64, List.of(p("s", 1, 4)), x, (g, v) -> g.mul(v.get(1), v.get(0)));
        checkDynamic(DType.FLOAT64, List.of(p("c", 4)), x, (g, v) -> g.div(v.get(1),
                g.add(g.exp(v.get(0)), g.scalar(0.5, DType.FLOAT64))));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.reduceSum(v.get(0), false, 0));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.reduceMax(v.get(0), true, 1));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.reduceLogSumExp(v.get(0), false, 0));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.softmax(v.get(0), 1));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.softmax(v.get(0), 0));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.logSoftmax(v.get(0), -1));
        checkDynamic(DType.FLOAT64, List.of(p("m", 4)), x, (g, v) -> g.max(v.get(1), v.get(0)));
    }

    @Test
    void linearAlgebraAndShapesWithASymbolicBatch() {
        List<GradCheck.Feed> x = List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 4), 5, 4));
        checkDynamic(DType.FLOAT64, List.of(p("w", 4, 3)), x, (g, v) -> g.matMul(v.get(1), v.get(0)));
        checkDynamic(DType.FLOAT64, List.of(p("w", 3, 4), p("c", 3)), x,
                (g, v) -> g.gemm(v.get(2), v.get(0), v.get(1), 0.7, 1.3, false, true));
        checkDynamic(DType.FLOAT64, List.of(p("w", 4, 2)),
                List.of(dynamic("x", DType.FLOAT64, Shape.of(D, D, 4), 2, 3, 4)),
                (g, v) -> g.matMul(v.get(1), v.get(0)));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.transpose(v.get(0), 1, 0));
        checkDynamic(DType.FLOAT64, List.of(), List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 2, 3), 5, 2, 3)),
                (g, v) -> g.reshape(v.get(0), 0, -1));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.squeeze(g.unsqueeze(v.get(0), 1), 1));
        checkDynamic(DType.FLOAT64, List.of(), x, (g, v) -> g.pad(v.get(0), 0, 1, 0, 2));
        checkDynamic(DType.FLOAT64, List.of(p("w", 4)), x, (g, v) -> g.expandLike(v.get(0), v.get(1)));
        checkDynamic(DType.FLOAT64, List.of(p("z", 2)),
                List.of(dynamic("a", DType.FLOAT64, Shape.of(D, 3), 5, 3), dynamic("b", DType.FLOAT64,
                        Shape.of(D, 2), 5, 2)),
                (g, v) -> g.concat(1, v.get(1), g.mul(v.get(2), v.get(0))));
    }

    @Test
    void layerNormAndLossesWithASymbolicBatch() {
        checkDynamic(DType.FLOAT64, List.of(p("s", 4), p("b", 4)),
                List.of(dynamic("x", DType.FLOAT64, Shape.of(D, D, 4), 2, 3, 4)),
                (g, v) -> g.layerNormalization(v.get(2), v.get(0), v.get(1), -1, 1e-5));
        // float32 without a bias, normalised over a symbolic axis: the zero bias the builder adds (see NnOps) is
        // made at run time, in the scale's shape
        checkDynamic(DType.FLOAT32, List.of(), List.of(dynamic("x", DType.FLOAT32, Shape.of(2, D), 2, 5),
                        dynamic("s", DType.FLOAT32, Shape.of(D), 5)),
                (g, v) -> g.layerNormalization(v.get(0), v.get(1), null, -1, 1e-5));
        // the logistic loss is a mean over the batch: its gradient carries 1/n with n read at run time
        checkDynamic(DType.FLOAT64, List.of(p("w", 3)),
                List.of(dynamic("x", DType.FLOAT64, Shape.of(D, 3), 6, 3), dynamic("y", DType.FLOAT64, Shape.of(D), 6)),
                (g, v) -> g.reduceMean(g.softplus(g.neg(g.mul(v.get(2),
                        g.reduceSum(g.mul(v.get(1), v.get(0)), false, 1)))), false));
    }

    @Test
    void symbolicBatchInputsReallyAreSymbolic() {
        // guards the premise of the checks above
        Graph g = new Graph(0);
        Value x = g.input("x", DType.FLOAT64, Shape.of(D, 3));
        assertThat(x.shape().isStatic()).isFalse();
        assertThat(g.reduceMean(x, true, 0).shape().dim(0)).isEqualTo(1);
    }
}
