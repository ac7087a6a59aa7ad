package io.suffice.encoders.mlp;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The mlp encoder's bag-of-words token input: the masked mean of token embeddings, then the MLP. */
class MlpEncoderTest {
    static final int VOCAB = 7;
    static final int E = 4;

    private static MlpEncoder bag() {
        return new MlpEncoder("m", List.of(8L), 3, VOCAB, MlpEncoder.BAG_OF_WORDS, E, 0);
    }

    /** Runs {@code enc} on {@code x} with the given parameter values (by name) fed as inputs. */
    private static double[] run(MlpEncoder enc, HostTensor x, Map<String, HostTensor> params, Graph g, Value in,
                                Value out) {
        List<Value> inputs = new ArrayList<>(g.parameters());
        inputs.add(in);
        Map<String, HostTensor> feeds = new LinkedHashMap<>(params);
        feeds.put(in.name(), x);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, inputs, Map.of("y", out))) {
            return e.run(feeds).get("y").toDoubleArray();
        }
    }

    @Test
    void bagOfWordsIsTheMlpOfTheMeanEmbeddingOfTheNonPadTokens() {
        Graph g = new Graph(3);
        Value x = g.input("text", DType.INT64, Shape.DYNAMIC, 5);
        Value y = bag().forward(g, x);
        assertThat(g.find("m.embedding.weight").shape()).isEqualTo(Shape.of(VOCAB, E));
        assertThat(g.find("m.mlp.0.weight").shape()).isEqualTo(Shape.of(E, 8));
        Map<String, HostTensor> params = ParameterStore.of(g).asMap();
        long[][] rows = {{3, 5, 0, 0, 0}, {0, 5, 0, 3, 0}, {5, 3, 3, 6, 0}, {0, 0, 0, 0, 0}};
        long[] flat = new long[rows.length * 5];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * 5, 5);
        }
        double[] got = run(bag(), HostTensor.of(flat, rows.length, 5), params, g, x, y);

        // the same MLP on the means computed here (padding 0 left out, an all-padding row averages to zeros)
        double[] table = params.get("m.embedding.weight").toDoubleArray();
        float[] means = new float[rows.length * E];
        for (int i = 0; i < rows.length; i++) {
            int count = 0;
            for (long t : rows[i]) {
                if (t != 0) {
                    count++;
                    for (int k = 0; k < E; k++) {
                        means[i * E + k] += (float) table[(int) t * E + k];
                    }
                }
            }
            for (int k = 0; k < E; k++) {
                means[i * E + k] /= Math.max(count, 1);
            }
        }
        Graph g2 = new Graph(99);
        Value v = g2.input("v", DType.FLOAT32, Shape.DYNAMIC, E);
        Value y2 = bag().forward(g2, v);                 // float input: the MLP only, the same parameter names
        Map<String, HostTensor> mlp = new HashMap<>(params);
        mlp.remove("m.embedding.weight");
        double[] want = run(bag(), HostTensor.of(means, rows.length, E), mlp, g2, v, y2);
        assertThat(got).hasSize(rows.length * 3);
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).isCloseTo(want[i], within(1e-5));
        }
        // order and padding positions do not matter, repeats do
        for (int k = 0; k < 3; k++) {
            assertThat(got[3 + k]).isCloseTo(got[k], within(1e-6));
        }
        assertThat(got[6]).isNotCloseTo(got[0], within(1e-3));
    }

    @Test
    void oneHotStaysTheDefaultAndTheProviderBuildsEither() {
        MlpEncoderProvider p = new MlpEncoderProvider();
        Map<String, Object> v = new HashMap<>();
        for (var spec : p.parameters()) {
            v.put(spec.name(), spec.defaultValue());
        }
        MlpEncoder oneHot = (MlpEncoder) p.create(new PluginConfig(PluginKind.ENCODER, "mlp", v));
        assertThat(oneHot.tokens()).isEqualTo(MlpEncoder.ONE_HOT);
        Graph g = new Graph(1);
        oneHot.forward(g, g.input("x", DType.INT64, Shape.DYNAMIC, 3));
        assertThat(g.find("encoder.mlp.0.weight").shape()).isEqualTo(Shape.of(30, 128));   // T * vocab one-hot
        assertThat(g.find("encoder.embedding.weight")).isNull();
        v.put("tokens", MlpEncoder.BAG_OF_WORDS);
        v.put("token-embedding", 16L);
        MlpEncoder bag = (MlpEncoder) p.create(new PluginConfig(PluginKind.ENCODER, "mlp", v));
        assertThat(bag.withName("text")).isEqualTo(new MlpEncoder("text", List.of(128L), 10, 10,
                MlpEncoder.BAG_OF_WORDS, 16, 0));
        assertThat(bag.summary()).contains("bag of 16-d words");
        assertThatThrownBy(() -> new MlpEncoder("m", List.of(), 2, 2, "words", 2, 0)).hasMessageContaining(
                "bag-of-words");
    }
}
