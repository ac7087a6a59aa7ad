package io.suffice.data.jghm;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.Shape;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The {@code jghm} dataset plugin: discovery, fields and shapes, candidates, oracle. */
class JghmDatasetProviderTest {

    private static PluginConfig config(Map<String, Object> overrides) {
        Map<String, Object> v = new HashMap<>();
        for (ParameterSpec p : new JghmDatasetProvider().parameters()) {
            v.put(p.name(), p.defaultValue());
        }
        v.putAll(overrides);
        return new PluginConfig(PluginKind.DATASET, "jghm", v);
    }

    @Test
    void isDiscoveredByServiceLoader() {
        assertThat(ServiceLoader.load(DatasetProvider.class).stream().map(p -> p.get().name()))
                .contains("jghm");
    }

    @Test
    void pairedBatchHasDocumentedFields() {
        Dataset ds = new JghmDatasetProvider().create(config(Map.of()));
        Batch b = ds.sample(6, new SplittableRandom(1));
        assertThat(b.fields().keySet()).containsExactly("image", "text", "root", "text_root", "label",
                "image_noisy");
        assertThat(b.get("image").shape()).isEqualTo(Shape.of(6, 81));
        assertThat(b.get("image").dtype()).isEqualTo(DType.INT64);
        assertThat(b.get("root").shape()).isEqualTo(Shape.of(6));
        assertThat(b.get("image_noisy").dtype()).isEqualTo(DType.FLOAT32);
        long[] root = new long[6];
        long[] textRoot = new long[6];
        b.get("root").longs().get(root);
        b.get("text_root").longs().get(textRoot);
        assertThat(root).isEqualTo(textRoot);
        assertThat(b.get("label").longs().get(2)).isEqualTo(b.get("text").longs().get(2 * 81));
        assertThat(ds.size()).isEqualTo(-1);
        assertThatThrownBy(ds::all).isInstanceOf(UnsupportedOperationException.class);
        BayesOracle oracle = ds.oracle().orElseThrow();
        double[][] post = oracle.rootPosterior(Modality.IMAGE, b.get("image"));
        assertThat(post).hasNumberOfRows(6);
    }

    @Test
    void candidateGroupsAndUnbalancedTrees() {
        Dataset ds = new JghmDatasetProvider().create(config(Map.of("candidates", 4L, "text-depth", 2L,
                "image-branching", 2L, "states", 5L)));
        Batch b = ds.sample(3, new SplittableRandom(1));
        assertThat(b.get("image").shape()).isEqualTo(Shape.of(3, 4, 16));
        assertThat(b.get("text").shape()).isEqualTo(Shape.of(3, 4, 9));
        assertThat(b.get("root").shape()).isEqualTo(Shape.of(3, 4));
        // grouped tokens are n*K rows of the oracle
        assertThat(ds.oracle().orElseThrow().logRootPosterior(Modality.TEXT, b.get("text"))).hasNumberOfRows(12);
    }

    @Test
    void misSpecifiedOracleUsesTheMatricesOfBpP() {
        Dataset exact = new JghmDatasetProvider().create(config(Map.of("p", 0.1)));
        Dataset wrong = new JghmDatasetProvider().create(config(Map.of("p", 0.1, "bp-p", 0.3)));
        Batch b = exact.sample(4, new SplittableRandom(2));
        double[][] q = exact.oracle().orElseThrow().rootPosterior(Modality.IMAGE, b.get("image"));
        double[][] r = wrong.oracle().orElseThrow().rootPosterior(Modality.IMAGE, b.get("image"));
        assertThat(r[0]).isNotEqualTo(q[0]);
        assertThat(((JghmBayesOracle) wrong.oracle().orElseThrow()).belief().p(Modality.TEXT)).isEqualTo(0.3);
    }

    @Test
    void rejectsInvalidValuesNamingTheParameter() {
        JghmDatasetProvider p = new JghmDatasetProvider();
        assertThatThrownBy(() -> p.validate(config(Map.of("candidates", 4L, "pairing", "unpaired"))))
                .hasMessageContaining("candidates");
        // ranges are declared on the parameters and checked when a config is resolved (before anything runs)
        Map<String, io.suffice.api.plugin.Range> ranges = new HashMap<>();
        p.parameters().forEach(spec -> ranges.put(spec.name(), spec.range()));
        assertThat(ranges.get("p").describe()).isEqualTo("in [0, 1]");
        assertThat(ranges.get("states").describe()).isEqualTo(">= 1");
        assertThat(ranges.get("bp-p").describe()).isEqualTo("in [0, 1], or -1");
        assertThat(ranges.get("bp-p").contains(-1)).isTrue();
        assertThat(ranges.get("bp-p").contains(-0.5)).isFalse();
        assertThat(ranges.get("bp-p").contains(2.0)).isFalse();
        assertThat(ranges.get("text-p").contains(0.3)).isTrue();
        assertThatThrownBy(() -> p.create(config(Map.of("model", "/nonexistent/m.json"))))
                .hasMessageContaining("/nonexistent/m.json");
    }
}
