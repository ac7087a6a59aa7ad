package io.suffice.runtime.engine;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.ExecutorFactory;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@link OrtExecutor#load}: an ONNX file as a frozen function, with validated feeds and owned native resources. */
class OrtFileExecutableTest {

    @TempDir
    Path dir;

    Path exported() throws Exception {
        Graph g = new Graph(3);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 3);
        Value w = g.parameter("w", Shape.of(3, 2), Init.values(1, 0, 0, 1, 1, 1));
        Path f = dir.resolve("lin.onnx");
        OnnxExport.export(f, List.of(x), Map.of("y", g.matMul(x, w)), ParameterStore.of(g));
        return f;
    }

    @Test
    void runsTheFileAndChecksFeeds() throws Exception {
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1))) {
            Executable e = ex.load(exported());
            assertThat(e.inputNames()).containsExactly("x");
            assertThat(e.outputNames()).containsExactly("y");
            HostTensor y = e.run(Map.of("x", HostTensor.of(new float[]{1, 2, 3, 4, 5, 6}, 2, 3))).get("y");
            assertThat(y.shape()).isEqualTo(Shape.of(2, 2));
            assertThat(y.toDoubleArray()).containsExactly(4, 5, 10, 11);
            assertThatThrownBy(() -> e.run(Map.of("z", HostTensor.of(new float[3], 1, 3))))
                    .hasMessageContaining("unknown input 'z'").hasMessageContaining("x:FLOAT[-1, 3]");
            assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new double[3], 1, 3))))
                    .hasMessageContaining("has dtype FLOAT64");
            assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[3], 3))))
                    .hasMessageContaining("has rank 1");
            assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[4], 1, 4))))
                    .hasMessageContaining("fixes dimension 1 to 3");
            ex.close();
            assertThatThrownBy(() -> e.run(Map.of("x", HostTensor.of(new float[3], 1, 3))))
                    .hasMessageContaining("is closed");
        }
    }

    @Test
    void unloadableFilesFailWithOnnxRuntimesReason() throws Exception {
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1))) {
            assertThatThrownBy(() -> ex.load(dir.resolve("missing.onnx"))).hasMessageContaining("no ONNX model file");
            Path junk = Files.writeString(dir.resolve("junk.onnx"), "junk");
            assertThatThrownBy(() -> ex.load(junk)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("ONNX Runtime cannot load");
        }
    }

    @Test
    void theFactoryIsFoundThroughTheServiceLoader() {
        try (var ex = ExecutorFactory.find(getClass().getClassLoader()).open(ExecutionConfig.defaults())) {
            assertThat(ex).isInstanceOf(OrtExecutor.class);
        }
    }
}
