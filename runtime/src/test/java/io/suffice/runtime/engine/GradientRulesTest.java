package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.suffice.runtime.engine.GradCheck.check;
import static io.suffice.runtime.engine.GradCheck.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** Every gradient rule against central finite differences, including broadcasting. */
class GradientRulesTest {

    private static final Init POSITIVE = (t, rng) -> Init.uniform(1).fill(t, rng);

    @Test
    void addBroadcasts() {
        check(List.of(p("a", 3, 4), p("b", 4)), (g, v) -> g.add(v.get(0), v.get(1)));
        check(List.of(p("a", 2, 1, 4), p("b", 3, 1)), (g, v) -> g.add(v.get(0), v.get(1)));
    }

    @Test
    void subMulDivBroadcast() {
        check(List.of(p("a", 3, 4), p("b", 3, 1)), (g, v) -> g.sub(v.get(0), v.get(1)));
        check(List.of(p("a", 1, 4), p("b", 3, 1)), (g, v) -> g.mul(v.get(0), v.get(1)));
        check(List.of(p("a", 3, 4), p("b", 4)), (g, v) -> g.div(v.get(0), g.add(g.exp(v.get(1)), g.scalar(0.5,
                v.get(1).dtype()))));
    }

    @Test
    void powBothArguments() {
        GradCheck.Outcome o = check(List.of(p("a", 2, 3), p("b", 3)),
                (g, v) -> g.pow(g.exp(v.get(0)), v.get(1)));
        assertThat(o.dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void unaryOps() {
        check(List.of(p("x", 2, 5)), (g, v) -> g.neg(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.exp(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.log(g.add(g.mul(v.get(0), v.get(0)), g.scalar(1, v.get(0).dtype()))));
        check(List.of(p("x", 2, 5)), (g, v) -> g.sqrt(g.exp(v.get(0))));
        check(List.of(p("x", 2, 5)), (g, v) -> g.tanh(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.sigmoid(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.relu(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.leakyRelu(v.get(0), 0.1));
        check(List.of(p("x", 2, 5)), (g, v) -> g.softplus(v.get(0)));
        // ONNX Runtime has Softsign for float32 only
        GradCheck.checkFloat32Only("Softsign", List.of(p("x", 2, 5)), (g, v) -> g.softsign(v.get(0)));
        // no float64 Erf kernel: the chain in float32 here, the rules against closed forms in GradientPrecisionTest
        GradCheck.checkFloat32Only("Erf", List.of(p("x", 2, 5)), (g, v) -> g.erf(v.get(0)));
        GradCheck.checkFloat32Only("Erf", List.of(p("x", 2, 5)), (g, v) -> g.gelu(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.abs(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.mul(g.sign(v.get(0)), v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.identity(v.get(0)));
        check(List.of(p("x", 2, 5)), (g, v) -> g.clip(v.get(0), -0.5, 0.7));
    }

    @Test
    void maxMinWhere() {
        check(List.of(p("a", 3, 4), p("b", 4)), (g, v) -> g.max(v.get(0), v.get(1)));
        check(List.of(p("a", 3, 1), p("b", 4)), (g, v) -> g.min(v.get(0), v.get(1)));
        check(List.of(p("a", 3, 4), p("b", 1, 4)), (g, v) -> {
            HostTensor c = HostTensor.zeros(DType.BOOL, io.suffice.api.tensor.Shape.of(3, 4));
            for (int i = 0; i < 12; i += 3) {
                c.buffer().put(i, (byte) 1);
            }
            return g.where(g.constant(c), v.get(0), v.get(1));
        });
    }

    @Test
    void softmaxAndLogSoftmax() {
        check(List.of(p("x", 3, 4)), (g, v) -> g.softmax(v.get(0), 1));
        check(List.of(p("x", 3, 4)), (g, v) -> g.softmax(v.get(0), 0));
        check(List.of(p("x", 3, 4)), (g, v) -> g.logSoftmax(v.get(0), -1));
    }

    @Test
    void reductions() {
        for (boolean keep : new boolean[]{true, false}) {
            check(List.of(p("x", 2, 3, 4)), (g, v) -> g.reduceSum(v.get(0), keep, 1));
            check(List.of(p("x", 2, 3, 4)), (g, v) -> g.reduceMean(v.get(0), keep, 0, 2));
            check(List.of(p("x", 2, 3, 4)), (g, v) -> g.reduceMax(v.get(0), keep, -1));
            check(List.of(p("x", 2, 3, 4)), (g, v) -> g.reduceLogSumExp(v.get(0), keep, 1));
        }
        check(List.of(p("x", 2, 3)), (g, v) -> g.reduceMean(v.get(0), false));
        // positive inputs: the rule divides by x
        check(List.of(p("x", POSITIVE, 2, 3, 4)), (g, v) -> g.reduceProd(g.add(v.get(0), g.scalar(0.5,
                v.get(0).dtype())), false, 1));
    }

    @Test
    void matMulAndGemm() {
        check(List.of(p("a", 3, 4), p("b", 4, 5)), (g, v) -> g.matMul(v.get(0), v.get(1)));
        check(List.of(p("a", 2, 3, 4), p("b", 4, 5)), (g, v) -> g.matMul(v.get(0), v.get(1)));
        check(List.of(p("a", 2, 1, 3, 4), p("b", 3, 4, 2)), (g, v) -> g.matMul(v.get(0), v.get(1)));
        for (boolean ta : new boolean[]{false, true}) {
            for (boolean tb : new boolean[]{false, true}) {
                check(List.of(p("a", ta ? 4 : 3, ta ? 3 : 4), p("b", tb ? 5 : 4, tb ? 4 : 5), p("c", 5)),
                        (g, v) -> g.gemm(v.get(0), v.get(1), v.get(2), 0.7, 1.3, ta, tb));
            }
        }
    }

    @Test
    void shapeOps() {
        check(List.of(p("x", 2, 3, 4)), (g, v) -> g.transpose(v.get(0), 2, 0, 1));
        check(List.of(p("x", 2, 3, 4)), (g, v) -> g.reshape(v.get(0), 0, -1));
        check(List.of(p("x", 2, 3)), (g, v) -> g.unsqueeze(v.get(0), 1, -1));
        check(List.of(p("x", 2, 1, 3)), (g, v) -> g.squeeze(v.get(0), 1));
        check(List.of(p("a", 2, 3), p("b", 2, 2)), (g, v) -> g.concat(1, v.get(0), v.get(1)));
        check(List.of(p("x", 4, 5)), (g, v) -> g.slice(v.get(0), new long[]{1, -3}, new long[]{3, 100},
                new long[]{0, 1}, null));
        check(List.of(p("x", 2, 3)), (g, v) -> g.pad(v.get(0), 1, 0, 0, 2));
        check(List.of(p("x", 2, 3)), (g, v) -> g.expandLike(v.get(0), g.constant(HostTensor.zeros(
                v.get(0).dtype(), io.suffice.api.tensor.Shape.of(4, 2, 3)))));
    }

    @Test
    void gatherIsAnEmbeddingLookup() {
        check(List.of(p("table", 5, 3)), (g, v) -> g.gather(v.get(0), g.constant(
                HostTensor.of(new long[]{0, 4, 4, 2, 1, 0}, 2, 3)), 0));
    }

    @Test
    void layerNormalization() {
        check(List.of(p("x", 3, 4), p("s", 4), p("b", 4)),
                (g, v) -> g.layerNormalization(v.get(0), v.get(1), v.get(2), -1, 1e-5));
        check(List.of(p("x", 2, 3, 4), p("s", 3, 4)),
                (g, v) -> g.layerNormalization(v.get(0), v.get(1), null, 1, 1e-5));
        // float32 nodes carry the kernel's Mean and InvStdDev outputs and the rule reads them instead of recomputing
        check(DType.FLOAT32, List.of(p("x", 3, 4), p("s", 4), p("b", 4)),
                (g, v) -> g.layerNormalization(v.get(0), v.get(1), v.get(2), -1, 1e-5));
        check(DType.FLOAT32, List.of(p("x", 2, 3, 4), p("s", 3, 4)),
                (g, v) -> g.layerNormalization(v.get(0), v.get(1), null, 1, 1e-5));
    }

    @Test
    void layerNormalizationFromSavedStatisticsEqualsTheRecomputedRule() {
        // the float32 rule (saved Mean/InvStdDev) against the float64 one (recomputed) on the same numbers: they agree
        // to float32 rounding, far tighter than the float32 finite-difference check can tell
        double[] g32 = layerNormGradients(DType.FLOAT32);
        double[] g64 = layerNormGradients(DType.FLOAT64);
        for (int i = 0; i < g32.length; i++) {
            assertThat(g32[i]).as("gradient %s", i).isCloseTo(g64[i], within(1e-5 * (1 + Math.abs(g64[i]))));
        }
    }

    private static double[] layerNormGradients(DType dt) {
        Graph g = new Graph(3);
        Value x = g.parameter("x", dt, Shape.of(4, 6), Init.normal(2.0));
        Value s = g.parameter("s", dt, Shape.of(6), Init.normal(1.0));
        Value b = g.parameter("b", dt, Shape.of(6), Init.normal(1.0));
        Value y = g.layerNormalization(x, s, b, -1, 1e-5);
        HostTensor w = HostTensor.zeros(dt, y.shape());
        Init.normal(1.0).fill(w, new java.util.SplittableRandom(5));
        Value loss = g.reduceSum(g.mul(y, g.constant(w)), false);
        List<Value> grads = new Autodiff(GradientRegistry.standard()).gradients(loss, List.of(x, s, b));
        java.util.Map<String, Value> outs = new java.util.LinkedHashMap<>();
        for (int i = 0; i < grads.size(); i++) {
            outs.put("g" + i, grads.get(i));
        }
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(x, s, b), outs)) {
            var r = e.run(java.util.Map.of("x", x.data(), "s", s.data(), "b", b.data()));
            return java.util.stream.Stream.of("g0", "g1", "g2").flatMapToDouble(k ->
                    java.util.Arrays.stream(r.get(k).toDoubleArray())).toArray();
        }
    }

    @Test
    void gradientsSummedOverManyRowsAsOneMatMul() {
        // 128 and more broadcast rows are summed by a MatMul with a ones row (Gradients.sumLeading)
        check(List.of(p("a", 2, 64, 3), p("b", 3)), (g, v) -> g.add(v.get(0), v.get(1)));
        check(DType.FLOAT32, List.of(p("a", 2, 64, 3), p("b", 3)), (g, v) -> g.mul(v.get(0), v.get(1)));
        Graph g = new Graph(0);
        Value a = g.parameter("a", DType.FLOAT32, Shape.of(2, 64, 3), Init.zeros());
        Value b = g.parameter("b", DType.FLOAT32, Shape.of(3), Init.zeros());
        Value gb = new Autodiff(GradientRegistry.standard()).gradients(g.reduceSum(g.add(a, b), false),
                List.of(b)).get(0);
        assertThat(gb.shape()).isEqualTo(Shape.of(3));
        assertThat(gb.producer().opType()).isEqualTo("Reshape");
        assertThat(gb.producer().input(0).producer().opType()).isEqualTo("MatMul");
    }

    @Test
    void castRoundTrip() {
        GradCheck.Outcome o = check(DType.FLOAT32, List.of(p("x", 2, 3)),
                (g, v) -> g.cast(g.mul(g.cast(v.get(0), DType.FLOAT64), g.scalar(2, DType.FLOAT64)), DType.FLOAT32));
        assertThat(o.maxError()).isLessThan(2e-2);
    }

    @Test
    void aWrongRuleIsCaught() {
        GradientRegistry wrong = GradientRegistry.standard().register("Tanh",
                (g, n, gy, need) -> List.of(g.mul(gy.get(0), g.sub(g.scalar(1, n.output().dtype()), n.output()))));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GradCheck.check(DType.FLOAT64, wrong,
                List.of(p("x", 2, 3)), (g, v) -> g.tanh(v.get(0)))).isInstanceOf(AssertionError.class)
                .hasMessageContaining("gradient mismatch");
    }

    @Test
    void dtypesUsed() {
        // float64 wherever ONNX Runtime has CPU kernels; float32 only for graphs with Erf (and so GELU)
        assertThat(check(List.of(p("x", 2, 2)), (g, v) -> g.tanh(v.get(0))).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(check(List.of(p("x", 2, 2)), (g, v) -> g.softplus(v.get(0))).dtype()).isEqualTo(DType.FLOAT64);
        assertThat(GradCheck.checkFloat32Only("Erf", List.of(p("x", 2, 2)), (g, v) -> g.erf(v.get(0))).dtype())
                .isEqualTo(DType.FLOAT32);
        // check() never falls back: a graph without a float64 kernel fails instead of loosening the tolerance
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> check(List.of(p("x", 2, 2)),
                (g, v) -> g.erf(v.get(0)))).hasMessageContaining("Erf");
    }

    @Test
    void float64SoftplusIsAccurateFromTinyToHuge() {
        double[] xs = {-800, -700, -40, -1e-3, 0, 1e-3, 1, 40, 800};
        io.suffice.api.graph.Graph g = new io.suffice.api.graph.Graph(0);
        Value x = g.input("x", DType.FLOAT64, xs.length);
        try (OrtExecutor ex = new OrtExecutor(io.suffice.api.graph.ExecutionConfig.defaults());
             var e = ex.compile(g, List.of(x), java.util.Map.of("y", g.softplus(x)))) {
            double[] y = e.run(java.util.Map.of("x", HostTensor.of(xs, xs.length))).get("y").toDoubleArray();
            for (int i = 0; i < xs.length; i++) {
                double want = Math.max(xs[i], 0) + Math.log1p(Math.exp(-Math.abs(xs[i])));
                assertThat(y[i]).as("softplus(%s)", xs[i]).isCloseTo(want, org.assertj.core.data.Percentage
                        .withPercentage(1e-12));
            }
            assertThat(y[1]).isPositive(); // exp(-700) ~ 1e-304 survives, where log(1 + exp(x)) would give 0
        }
    }

    @Test
    void compositeIsDifferentiatedByItsOwnRule() {
        // softsign x / (1 + |x|) built from primitives, declared a composite with a registered rule
        GradientRegistry reg = GradientRegistry.standard().register("Softsign", (g, n, gy, need) -> {
            Value x = n.input(0);
            Value d = g.add(g.abs(x), g.scalar(1, x.dtype()));
            return List.of(g.div(gy.get(0), g.mul(d, d)));
        });
        GradCheck.Outcome o = GradCheck.check(DType.FLOAT64, reg, List.of(p("x", 2, 3)), (g, v) -> {
            Value x = v.get(0);
            Value y = g.div(x, g.add(g.abs(x), g.scalar(1, x.dtype())));
            return g.composite("Softsign", List.of(x), java.util.Map.of(), y);
        });
        assertThat(o.dtype()).isEqualTo(DType.FLOAT64);
        // and the rule is really the one used: a wrong composite rule is caught
        GradientRegistry wrong = GradientRegistry.standard().register("Softsign", (g, n, gy, need) ->
                List.of(gy.get(0)));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> GradCheck.check(DType.FLOAT64, wrong,
                List.of(p("x", 2, 3)), (g, v) -> {
                    Value x = v.get(0);
                    return g.composite("Softsign", List.of(x), java.util.Map.of(),
                            g.div(x, g.add(g.abs(x), g.scalar(1, x.dtype()))));
                })).isInstanceOf(AssertionError.class);
    }

    @Test
    void unsupportedGradientsNameTheNodeAndItsSite() {
        io.suffice.api.graph.Graph g = new io.suffice.api.graph.Graph(0);
        Value x = g.parameter("x", io.suffice.api.tensor.Shape.of(6), Init.ones());
        Value strided = g.slice(x, new long[]{0}, new long[]{6}, new long[]{0}, new long[]{2});
        Value loss = g.reduceSum(strided, false);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Autodiff.standard().gradients(loss, List.of(x)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Slice gradient needs step 1")
                .hasMessageContaining("GradientRulesTest.unsupportedGradientsNameTheNodeAndItsSite");
        Value custom = g.op("Cos", "", List.of(x), java.util.Map.of(), DType.FLOAT32, x.shape());
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> Autodiff.standard().gradients(
                        g.reduceSum(custom, false), List.of(x)))
                .hasMessageContaining("no gradient rule for Cos");
    }

    @Test
    void fanOutAccumulates() {
        check(List.of(p("x", 3)), (g, v) -> g.add(g.mul(v.get(0), v.get(0)), g.tanh(v.get(0))));
    }

    @Test
    void customOpWithRegisteredRule() {
        // Cos is a standard ONNX op without a builder: emitted generically, differentiated by a registered rule
        GradientRegistry reg = GradientRegistry.standard().register("Cos", (g, n, gy, need) ->
                List.of(g.neg(g.mul(gy.get(0), g.op("Sin", "", List.of(n.input(0)), java.util.Map.of(),
                        n.input(0).dtype(), n.input(0).shape())))));
        io.suffice.api.graph.Graph g = new io.suffice.api.graph.Graph(1);
        var x = g.parameter("x", DType.FLOAT64, io.suffice.api.tensor.Shape.of(3), Init.values(0.1, 0.5, 2.0));
        var y = g.reduceSum(g.op("Cos", "", List.of(x), java.util.Map.of(), DType.FLOAT64, x.shape()), false);
        var gx = new Autodiff(reg).gradients(y, List.of(x)).get(0);
        try (OrtExecutor ex = new OrtExecutor(io.suffice.api.graph.ExecutionConfig.defaults());
             var e = ex.compile(g, List.of(), java.util.Map.of("gx", gx))) {
            double[] got = e.run(java.util.Map.of()).get("gx").toDoubleArray();
            assertThat(got).containsExactly(new double[]{-Math.sin(0.1), -Math.sin(0.5), -Math.sin(2.0)},
                    org.assertj.core.data.Offset.offset(1e-12));
        }
    }
}
