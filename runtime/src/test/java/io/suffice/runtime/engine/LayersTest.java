package io.suffice.runtime.engine;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.nn.Embedding;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.Linear;
import io.suffice.api.nn.MLP;
import io.suffice.api.nn.TransformerBlock;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LayersTest {

    @Test
    void layerNormAndLinearGradientsInFloat64() {
        GradCheck.Outcome o = GradCheck.checkAll(DType.FLOAT64, g -> {
            Value x = g.constant(random(DType.FLOAT64, 2, 3, 4));
            Value h = new LayerNorm(g, "ln", 4, 1e-5, DType.FLOAT64).apply(x);
            return new Linear(g, "proj", 4, 2, true, DType.FLOAT64).apply(g.add(x, h));
        });
        assertThat(o.dtype()).isEqualTo(DType.FLOAT64);
    }

    @Test
    void transformerBlockGradientsWithAndWithoutAMask() {
        // the shipped attention block: one head unmasked (its no-split path), two heads masked; GELU uses Erf, which
        // ONNX Runtime's CPU provider implements in float32 only
        GradCheck.checkAll(DType.FLOAT32, g -> {
            Value x = g.constant(random(DType.FLOAT32, 2, 3, 4));
            return new TransformerBlock(g, "block", 4, 1, DType.FLOAT32).apply(x, null);
        });
        GradCheck.checkAll(DType.FLOAT32, g -> {
            Value x = g.constant(random(DType.FLOAT32, 2, 3, 4));
            float[] causal = new float[9];
            for (int i = 0; i < 3; i++) {
                for (int j = i + 1; j < 3; j++) {
                    causal[i * 3 + j] = -1e9f;
                }
            }
            Value mask = g.constant(HostTensor.of(causal, 1, 1, 3, 3));
            return new TransformerBlock(g, "block", 4, 2, DType.FLOAT32).apply(x, mask);
        });
    }

    @Test
    void mlpAndEmbeddingGradients() {
        // GELU uses Erf, which ONNX Runtime's CPU provider implements in float32 only
        GradCheck.checkAll(DType.FLOAT32, g -> {
            Value ids = g.constant(HostTensor.of(new long[]{1, 0, 2, 2}, 2, 2));
            Value e = new Embedding(g, "emb", 3, 4).apply(ids);
            return new MLP(g, "mlp", 4, 5, 2).apply(e);
        });
    }

    @Test
    void parametersAreNamedAndSeeded() {
        Graph a = new Graph(9);
        new MLP(a, "mlp", 4, 8, 2);
        Graph b = new Graph(9);
        new MLP(b, "mlp", 4, 8, 2);
        assertThat(ParameterStore.of(a).names())
                .containsExactly("mlp.0.weight", "mlp.0.bias", "mlp.1.weight", "mlp.1.bias");
        assertThat(ParameterStore.of(a).get("mlp.0.weight").toDoubleArray())
                .containsExactly(ParameterStore.of(b).get("mlp.0.weight").toDoubleArray());
        Graph c = new Graph(10);
        new MLP(c, "mlp", 4, 8, 2);
        assertThat(ParameterStore.of(c).get("mlp.0.weight").toDoubleArray())
                .isNotEqualTo(ParameterStore.of(a).get("mlp.0.weight").toDoubleArray());
    }

    @Test
    void attentionRunsWithSymbolicBatchAndSequence() {
        Graph g = new Graph(1);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, Shape.DYNAMIC, 8);
        Value y = new TransformerBlock(g, "block", 8, 2, DType.FLOAT32).apply(x, null);
        assertThat(y.shape().dim(2)).isEqualTo(8);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             Inference f = Inference.compile(ex, java.util.List.of(x), Map.of("y", y), ParameterStore.of(g))) {
            HostTensor out = f.run(Map.of("x", random(DType.FLOAT32, 3, 5, 8))).get("y");
            assertThat(out.shape()).isEqualTo(Shape.of(3, 5, 8));
        }
    }

    static HostTensor random(DType dt, long... dims) {
        HostTensor t = HostTensor.zeros(dt, Shape.of(dims));
        io.suffice.api.graph.Init.normal(1).fill(t, new java.util.SplittableRandom(3));
        return t;
    }
}
