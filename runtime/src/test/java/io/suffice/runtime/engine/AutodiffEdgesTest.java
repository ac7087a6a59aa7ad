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
import java.util.Map;

import static io.suffice.runtime.engine.GradCheck.check;
import static io.suffice.runtime.engine.GradCheck.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The contract of {@link Autodiff#gradients} at its edges: a value the loss does not depend on has a zero gradient of
 * its own shape (symbolic shapes included); a rule returning a gradient of the wrong static shape is reported with
 * the op; rules that cannot differentiate a case say so instead of returning something wrong; and the optional
 * inputs of Gemm (no C), Slice (negative axes), Clip (no bounds) and LayerNormalization (no bias) are handled.
 */
class AutodiffEdgesTest {

    @Test
    void valuesTheLossDoesNotDependOnGetZeroGradientsOfTheirShape() {
        Graph g = new Graph(0);
        Value used = g.parameter("used", DType.FLOAT64, Shape.of(2), Init.values(1, 2));
        Value unusedStatic = g.parameter("unused", DType.FLOAT64, Shape.of(3), Init.values(1, 2, 3));
        Value unusedDynamic = g.input("z", DType.FLOAT64, Shape.of(Shape.DYNAMIC, 2));
        Value loss = g.reduceSum(g.mul(used, used), false);
        List<Value> grads = Autodiff.standard().gradients(loss, List.of(used, unusedStatic, unusedDynamic));
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(unusedDynamic),
                     Map.of("g0", grads.get(0), "g1", grads.get(1), "g2", grads.get(2)))) {
            Map<String, HostTensor> out = e.run(Map.of("z", HostTensor.of(new double[]{5, 6, 7, 8, 9, 10}, 3, 2)));
            assertThat(out.get("g0").toDoubleArray()).containsExactly(2, 4);
            assertThat(out.get("g1").toDoubleArray()).containsExactly(0, 0, 0);
            assertThat(out.get("g2").shape()).isEqualTo(Shape.of(3, 2));
            assertThat(out.get("g2").toDoubleArray()).containsOnly(0);
        }
    }

    @Test
    void aRuleReturningTheWrongShapeIsNamed() {
        GradientRegistry wrong = GradientRegistry.standard().register("Exp", (g, n, gy, need) ->
                List.of(g.reduceSum(gy.get(0), true, 0)));
        Graph g = new Graph(0);
        Value x = g.parameter("x", DType.FLOAT64, Shape.of(3, 2), Init.ones());
        Value loss = g.reduceSum(g.exp(x), false);
        assertThatThrownBy(() -> new Autodiff(wrong).gradients(loss, List.of(x)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("gradient rule of Exp returned");
    }

    @Test
    void concatAlongASymbolicAxisIsRefused() {
        Graph g = new Graph(0);
        Value w = g.parameter("w", DType.FLOAT64, Shape.of(2), Init.ones());
        Value a = g.input("a", DType.FLOAT64, Shape.of(Shape.DYNAMIC, 2));
        Value c = g.concat(0, g.mul(a, w), a);
        Value loss = g.reduceSum(c, false);
        assertThatThrownBy(() -> Autodiff.standard().gradients(loss, List.of(w)))
                .isInstanceOf(UnsupportedOperationException.class)
                .hasMessageContaining("Concat gradient needs static sizes");
    }

    @Test
    void gemmWithoutCAndSliceWithNegativeAxes() {
        check(List.of(p("a", 3, 4), p("b", 5, 4)), (g, v) -> g.gemm(v.get(0), v.get(1), null, 0.5, 1, false, true));
        check(List.of(p("x", 4, 5)), (g, v) -> g.slice(v.get(0), new long[]{1}, new long[]{4}, new long[]{-1}, null));
        check(List.of(p("x", 3, 4, 5)), (g, v) -> g.slice(v.get(0), new long[]{-2, 1}, new long[]{100, 3},
                new long[]{-2, 0}, null));
    }

    @Test
    void optionalInputsOfImportedNodesAreOptionalForTheirRules() {
        // ONNX Clip's min and max and LayerNormalization's bias are optional inputs: nodes without them (as an
        // imported model may have) differentiate like the builder's nodes with those inputs absent
        check(List.of(p("x", 3, 4)), (g, v) -> g.op("Clip", "", List.of(v.get(0)), Map.of(), v.get(0).dtype(),
                v.get(0).shape()));
        check(List.of(p("x", 3, 4)), (g, v) -> g.op("Clip", "", List.of(v.get(0), g.scalar(-0.3, DType.FLOAT64)),
                Map.of(), v.get(0).dtype(), v.get(0).shape()));
        check(List.of(p("x", 3, 4), p("s", 4)), (g, v) -> g.op("LayerNormalization", "", List.of(v.get(0), v.get(1)),
                Map.of("axis", -1L, "epsilon", 1e-5), v.get(0).dtype(), v.get(0).shape()));
        // axis 0: normalised over the whole tensor
        check(List.of(p("x", 2, 3), p("s", 2, 3)), (g, v) -> g.layerNormalization(v.get(0), v.get(1), null, 0, 1e-5));
        // ONNX's default axis (-1) when the attribute is absent
        check(List.of(p("x", 2, 3, 4), p("s", 4), p("b", 4)), (g, v) -> g.op("LayerNormalization", "",
                List.of(v.get(0), v.get(1), v.get(2)), Map.of("epsilon", 1e-5), v.get(0).dtype(), v.get(0).shape()));
    }

    @Test
    void clipWithOneSidedBounds() {
        // values on both sides of each bound: the gradient is 1 strictly inside, 0 outside
        check(List.of(p("x", 3, 4)), (g, v) -> g.clip(v.get(0), -0.3, Double.POSITIVE_INFINITY));
        check(List.of(p("x", 3, 4)), (g, v) -> g.clip(v.get(0), Double.NEGATIVE_INFINITY, 0.4));
    }
}
