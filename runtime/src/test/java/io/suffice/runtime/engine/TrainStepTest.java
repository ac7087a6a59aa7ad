package io.suffice.runtime.engine;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class TrainStepTest {

    /** Plain gradient descent through the host-side Optimizer SPI. */
    record Gd(double eta) implements Optimizer {
        @Override
        public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
            for (int i = 0; i < params.size(); i++) {
                var p = params.get(i).floats();
                var g = grads.get(i).floats();
                for (int k = 0; k < p.limit(); k++) {
                    p.put(k, p.get(k) - (float) eta * g.get(k));
                }
            }
        }
    }

    /** XOR with a 2-16-1 tanh network and the logistic loss. */
    static Value xorLoss(Graph g) {
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 2);
        Value y = g.input("y", DType.FLOAT32, Shape.DYNAMIC);
        Value w1 = g.parameter("w1", Shape.of(2, 16), Init.normal(1.0));
        Value b1 = g.parameter("b1", Shape.of(16), Init.zeros());
        Value w2 = g.parameter("w2", Shape.of(16, 1), Init.normal(0.5));
        Value h = g.tanh(g.add(g.matMul(x, w1), b1));
        Value f = g.squeeze(g.matMul(h, w2), 1);
        Value sign = g.sub(g.mul(y, g.scalar(2, DType.FLOAT32)), g.scalar(1, DType.FLOAT32));
        return g.reduceMean(g.softplus(g.neg(g.mul(sign, f))), false);
    }

    static Map<String, HostTensor> xorBatch() {
        return Map.of("x", HostTensor.of(new float[]{0, 0, 0, 1, 1, 0, 1, 1}, 4, 2),
                "y", HostTensor.of(new float[]{0, 1, 1, 0}, 4));
    }

    @Test
    void twoLayerMlpFitsXorWithPlainGd() {
        Graph g = new Graph(3);
        Value loss = xorLoss(g);
        ParameterStore store = ParameterStore.of(g);
        var batch = xorBatch();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            Optimizer gd = new Gd(2.0);
            double first = step.run(batch).loss();
            double last = first;
            int steps = 20000;
            for (int t = 0; t < steps && last >= 1e-3; t++) {
                last = step.step(batch, gd, t, steps).loss();
            }
            last = step.run(batch).loss();
            assertThat(first).isGreaterThan(0.3);
            assertThat(last).isLessThan(1e-3);
        }
    }

    @Test
    void unusedGraphInputsAndExtraBatchFieldsAreIgnored() {
        Graph g = new Graph(3);
        Value loss = xorLoss(g);
        g.input("unused", DType.FLOAT32, Shape.DYNAMIC, 7);
        ParameterStore store = ParameterStore.of(g);
        var batch = new java.util.HashMap<>(xorBatch());
        batch.put("label_text", HostTensor.of(new float[]{1}, 1));
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            assertThat(step.batchInputs()).containsExactly("x", "y");
            assertThat(step.run(batch).loss()).isPositive();
            batch.remove("y");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> step.run(batch))
                    .hasMessageContaining("missing input 'y'");
        }
    }

    @Test
    void frozenParametersKeepTheirValues() {
        Graph g = new Graph(3);
        Value loss = xorLoss(g);
        ParameterStore store = ParameterStore.of(g);
        double[] w1 = store.get("w1").toDoubleArray();
        double[] w2 = store.get("w2").toDoubleArray();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store,
                     name -> name.equals("w2"))) {
            assertThat(step.trainable()).containsExactly("w2");
            for (int t = 0; t < 10; t++) {
                assertThat(step.step(xorBatch(), new Gd(0.5), t, 10).gradients()).hasSize(1);
            }
        }
        assertThat(store.get("w1").toDoubleArray()).containsExactly(w1);
        assertThat(store.get("w2").toDoubleArray()).isNotEqualTo(w2);
    }

    @Test
    void fusedGdMatchesHostGd() {
        Graph g1 = new Graph(5);
        Graph g2 = new Graph(5);
        ParameterStore s1 = ParameterStore.of(g1);
        Value l1 = xorLoss(g1);
        Value l2 = xorLoss(g2);
        s1 = ParameterStore.of(g1);
        ParameterStore s2 = ParameterStore.of(g2);
        var batch = xorBatch();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep host = TrainStep.compile(ex, Autodiff.standard(), l1, Map.of(), s1);
             TrainStep fused = TrainStep.compileFusedGd(ex, Autodiff.standard(), l2, Map.of(), s2, 0.5)) {
            for (int t = 0; t < 20; t++) {
                double a = host.step(batch, new Gd(0.5), t, 20).loss();
                double b = fused.step(batch, new Gd(0.5), t, 20).loss();
                assertThat(b).isCloseTo(a, org.assertj.core.data.Offset.offset(1e-5));
            }
            assertThat(s2.get("w1").toDoubleArray())
                    .containsExactly(s1.get("w1").toDoubleArray(), org.assertj.core.data.Offset.offset(1e-5));
        }
    }
}
