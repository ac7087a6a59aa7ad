package io.suffice.runtime.engine;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.nn.Losses;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class LossesTest {

    @Test
    void crossEntropyMatchesTheFormulaAndItsGradient() {
        double[] logits = {1, 2, 0.5, -1, 0, 3};
        long[] labels = {1, 2};
        double want = 0;
        for (int r = 0; r < 2; r++) {
            double lse = 0;
            for (int c = 0; c < 3; c++) {
                lse += Math.exp(logits[3 * r + c]);
            }
            want += (Math.log(lse) - logits[3 * r + (int) labels[r]]) / 2;
        }
        Graph g = new Graph(0);
        Value z = g.input("z", DType.FLOAT64, Shape.DYNAMIC, 3);
        Value y = g.input("y", DType.INT64, Shape.DYNAMIC);
        Value loss = Losses.crossEntropy(g, z, y);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             var e = ex.compile(g, List.of(z, y), Map.of("loss", loss))) {
            double got = e.run(Map.of("z", HostTensor.of(logits, 2, 3), "y", HostTensor.of(labels, 2)))
                    .get("loss").toDoubleArray()[0];
            assertThat(got).isCloseTo(want, Offset.offset(1e-12));
        }
        GradCheck.check(DType.FLOAT64, List.of(GradCheck.p("z", 4, 3)), (gr, v) ->
                Losses.crossEntropy(gr, v.get(0), gr.constant(HostTensor.of(new long[]{0, 2, 1, 1}, 4))));
    }
}
