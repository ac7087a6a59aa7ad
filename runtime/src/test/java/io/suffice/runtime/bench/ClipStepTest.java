package io.suffice.runtime.bench;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.engine.TrainStep;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ClipStepTest {

    @Test
    void smallClipModelTrainsOnAFixedBatch() {
        ClipStep.Spec s = new ClipStep.Spec(8, 1, 4, 2, 5, 3, 4);
        Graph g = new Graph(0);
        Value loss = ClipStep.loss(g, s);
        assertThat(loss.shape()).isEqualTo(Shape.scalar());
        ParameterStore store = ParameterStore.of(g);
        HostTensor xi = HostTensor.zeros(DType.INT64, Shape.of(s.n(), s.seq()));
        HostTensor xt = HostTensor.zeros(DType.INT64, Shape.of(s.n(), s.seq()));
        SplittableRandom rng = new SplittableRandom(1);
        for (int i = 0; i < xi.size(); i++) {
            xi.longs().put(i, rng.nextInt(s.vocab()));
            xt.longs().put(i, rng.nextInt(s.vocab()));
        }
        var batch = Map.of("xi", xi, "xt", xt);
        var opt = new ClipStep.ClippedAdamW(1e-2, 0, 1.0);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            double first = step.run(batch).loss();
            // K=2 candidates: chance level is 2 log 2 per pair
            assertThat(first).isCloseTo(2 * Math.log(2), org.assertj.core.data.Offset.offset(0.5));
            for (int t = 0; t < 60; t++) {
                step.step(batch, opt, t, 60);
            }
            assertThat(step.run(batch).loss()).isLessThan(first * 0.5);
        }
    }
}
