package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.GraphBuildException;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExecutorTest {
    private OrtExecutor ex;
    private Graph g;
    private Value x;
    private Value y;

    @BeforeEach
    void setUp() {
        ex = new OrtExecutor(ExecutionConfig.defaults().withCheckFinite(true));
        g = new Graph(1);
        x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 3);
        Value w = g.parameter("w", Shape.of(3, 2), Init.values(1, 0, 0, 1, 1, 1));
        y = g.matMul(x, w);
    }

    @AfterEach
    void tearDown() {
        ex.close();
    }

    @Test
    void runsWithAnySymbolicBatchAndCopiesDynamicOutputs() {
        Executable e = ex.compile(g, List.of(x), Map.of("y", y));
        float[] out = toFloats(e.run(Map.of("x", HostTensor.of(new float[]{1, 2, 3}, 1, 3))).get("y"));
        assertThat(out).containsExactly(4f, 5f);
        HostTensor y2 = e.run(Map.of("x", HostTensor.of(new float[]{1, 0, 0, 0, 1, 0}, 2, 3))).get("y");
        assertThat(y2.shape()).isEqualTo(Shape.of(2, 2));
        assertThat(toFloats(y2)).containsExactly(1f, 0f, 0f, 1f);
    }

    @Test
    void compileIsCachedPerFunction() {
        Executable a = ex.compile(g, List.of(x), Map.of("y", y));
        assertThat(ex.compile(g, List.of(x), Map.of("y", y))).isSameAs(a);
        assertThat(ex.compile(g, List.of(x, g.find("w")), Map.of("y", y))).isNotSameAs(a);
    }

    @Test
    void wrongShapeNamesTheInput() {
        Executable e = ex.compile(g, List.of(x), Map.of("y", y));
        assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[4], 2, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 'x' has shape [2, 2] but the graph expects [N, 3]");
    }

    @Test
    void wrongDtypeNamesTheInput() {
        Executable e = ex.compile(g, List.of(x), Map.of("y", y));
        assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new double[3], 1, 3))))
                .hasMessageContaining("input 'x' has dtype FLOAT64 but the graph expects FLOAT32");
    }

    @Test
    void missingAndUnknownInputs() {
        Executable e = ex.compile(g, List.of(x), Map.of("y", y));
        assertThatThrownBy(() -> e.run(Map.of())).hasMessageContaining("missing input 'x' (FLOAT32[N, 3])");
        assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[3], 1, 3), "z",
                HostTensor.of(new float[1], 1)))).hasMessageContaining("unknown input 'z'");
    }

    @Test
    void nanInABatchIsReportedWhenChecking() {
        Executable e = ex.compile(g, List.of(x), Map.of("y", y));
        assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[]{1, 2, 3, 4, Float.NaN, 6}, 2, 3))))
                .hasMessageContaining("input 'x' contains NaN at index [1, 1]");
    }

    @Test
    void inconsistentBatchSizes() {
        Value z = g.input("z", DType.FLOAT32, Shape.DYNAMIC, 2);
        Executable e = ex.compile(g, List.of(x, z), Map.of("s", g.add(y, z)));
        assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[3], 1, 3),
                "z", HostTensor.of(new float[4], 2, 2)))).hasMessageContaining("batch size 2");
    }

    @Test
    void unfedInputIsReportedAtCompileTime() {
        assertThatThrownBy(() -> ex.compile(g, List.of(), Map.of("y", y)))
                .hasMessageContaining("depend on input 'x'");
    }

    @Test
    void shapeMismatchIsReportedAtBuildTimeWithTheUsersLine() {
        Value w = g.parameter("w2", Shape.of(4, 5), Init.zeros());
        assertThatThrownBy(() -> g.matMul(x, w))
                .isInstanceOf(GraphBuildException.class)
                .hasMessageContaining("MatMul: inner dimensions differ (3 vs 4)")
                .hasMessageContaining("x:FLOAT32[N, 3]")
                .hasMessageContaining("w2:FLOAT32[4, 5]")
                .hasMessageContaining("ExecutorTest.lambda$shapeMismatchIsReportedAtBuildTimeWithTheUsersLine");
        assertThatThrownBy(() -> g.add(x, g.parameter("b", Shape.of(4), Init.zeros())))
                .hasMessageContaining("Add: shapes do not broadcast");
    }

    @Test
    void unavailableCudaSaysWhyAndFallsBackOrFails() {
        ExecutionConfig cuda = ExecutionConfig.defaults().withDevice("cuda:0");
        boolean hasCuda = ai.onnxruntime.OrtEnvironment.getAvailableProviders()
                .contains(ai.onnxruntime.OrtProvider.CUDA);
        org.junit.jupiter.api.Assumptions.assumeFalse(hasCuda, "a CUDA-enabled ONNX Runtime is on the classpath");
        try (OrtExecutor fallback = new OrtExecutor(cuda)) {
            assertThat(fallback.config().device()).isEqualTo("cpu");
            assertThat(fallback.fallbackReason()).contains("without CUDA support").contains("-Pgpu");
        }
        assertThatThrownBy(() -> new OrtExecutor(cuda.withCpuFallback(false)))
                .hasMessageContaining("CUDA execution provider for device 'cuda:0' is unavailable");
    }

    @Test
    void cudaFailuresAreClassified() {
        assertThat(OrtExecutor.classifyCudaFailure("Failed to load library libonnxruntime_providers_cuda.so with "
                + "error: libcublasLt.so.12: cannot open shared object file")).startsWith("the CUDA 12 / cuDNN 9");
        assertThat(OrtExecutor.classifyCudaFailure("CUDA failure 100: no CUDA-capable device is detected"))
                .startsWith("no usable GPU");
        assertThat(OrtExecutor.classifyCudaFailure("something else")).contains("(ONNX Runtime: something else)");
    }

    static float[] toFloats(HostTensor t) {
        float[] f = new float[t.size()];
        t.floats().get(f);
        return f;
    }
}
