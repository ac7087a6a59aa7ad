package io.suffice.runtime.engine;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.model.Encoder;
import io.suffice.api.nn.MLP;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** An encoder plugin's view of the engine: build with {@link Encoder#forward}, then train and embed. */
class EncoderIntegrationTest {

    record MlpEncoder(long in, long hidden, long out) implements Encoder {
        @Override
        public String summary() {
            return "mlp " + in + "-" + hidden + "-" + out;
        }

        @Override
        public String name() {
            return "enc";
        }

        @Override
        public Value forward(Graph graph, Value input) {
            return new MLP(graph, name(), Graph::tanh, input.dtype(), in, hidden, out).apply(input);
        }
    }

    @Test
    void encoderOutputTrainsAndEmbeds() {
        Encoder enc = new MlpEncoder(2, 16, 1);
        Graph g = new Graph(3);
        Value x = g.input("x", DType.FLOAT32, Shape.DYNAMIC, 2);
        Value y = g.input("y", DType.FLOAT32, Shape.DYNAMIC);
        Value f = g.squeeze(enc.forward(g, x), 1);
        Value sign = g.sub(g.mul(y, g.scalar(2, DType.FLOAT32)), g.scalar(1, DType.FLOAT32));
        Value loss = g.reduceMean(g.softplus(g.neg(g.mul(sign, f))), false);
        Value acc = g.reduceMean(g.cast(g.greater(g.mul(sign, f), g.scalar(0, DType.FLOAT32)), DType.FLOAT32),
                false);
        ParameterStore store = ParameterStore.of(g);
        assertThat(store.names()).allMatch(n -> n.startsWith("enc."));
        var batch = TrainStepTest.xorBatch();
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of("accuracy", acc), store);
             Inference embed = Inference.compile(ex, List.of(x), Map.of("f", f), store)) {
            for (int t = 0; t < 500; t++) {
                step.step(batch, new TrainStepTest.Gd(1.0), t, 500);
            }
            assertThat(step.run(batch).metrics()).containsEntry("accuracy", 1.0);
            HostTensor out = embed.run(Map.of("x", batch.get("x"))).get("f");
            float[] v = ExecutorTest.toFloats(out);
            // XOR: (0,0) and (1,1) negative, the other two positive
            assertThat(v[0]).isNegative();
            assertThat(v[1]).isPositive();
            assertThat(v[2]).isPositive();
            assertThat(v[3]).isNegative();
        }
        assertThatThrownBy(() -> enc.forward(g, x)).hasMessageContaining("already used");
    }
}
