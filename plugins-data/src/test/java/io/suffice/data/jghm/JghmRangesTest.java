package io.suffice.data.jghm;

import io.suffice.api.oracle.Modality;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.PluginKind;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented ranges of the JGHM's shapes and parameters, checked at both ends (S, L, m >= 1: 1 accepted, 0
 * rejected; p in [0, 1]: both ends accepted, each tree's p checked; sigma > 0; at most 2^24 leaves; the plugin's
 * declared ranges with their "0 / -1 inherits" sentinels), the copy semantics of {@link TreeModel#matrices()}, and the small log-space helpers'
 * documented edge cases (all -inf gives -inf; argmax takes the first of tied maxima).
 */
class JghmRangesTest {

    private static double[][][][] identity(int depth, int m, int s) {
        double[][][][] t = new double[depth][m][s][s];
        for (double[][][] layer : t) {
            for (double[][] pos : layer) {
                for (int a = 0; a < s; a++) {
                    pos[a][a] = 1;
                }
            }
        }
        return t;
    }

    @Test
    void specShapesStartAtOneAndEachTreesPIsChecked() {
        assertThatCode(() -> new JghmSpec(1, 1, 1, 1, 1, 0, 1, 1e-9, 0)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new JghmSpec(0, 1, 1, 1, 1, 0.2, 0.2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JghmSpec(1, 0, 1, 1, 1, 0.2, 0.2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JghmSpec(1, 1, 0, 1, 1, 0.2, 0.2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JghmSpec(1, 1, 1, 0, 1, 0.2, 0.2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JghmSpec(1, 1, 1, 1, 0, 0.2, 0.2, 1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new JghmSpec(2, 1, 1, 1, 1, 1.01, 0.2, 1, 0)).hasMessageContaining("text p");
        assertThatThrownBy(() -> new JghmSpec(2, 1, 1, 1, 1, 0.2, -0.01, 1, 0)).hasMessageContaining("image p");
        assertThatThrownBy(() -> new JghmSpec(2, 1, 1, 1, 1, 0.2, 0.2, 0, 0)).hasMessageContaining("noise scale");
    }

    @Test
    void treeShapesAndLeafLimit() {
        assertThatCode(() -> new TreeModel(Modality.TEXT, 1, 1, 1, identity(1, 1, 1))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new TreeModel(Modality.TEXT, 0, 1, 1, identity(1, 1, 0)))
                .hasMessageContaining("need S >= 1");
        assertThatThrownBy(() -> new TreeModel(Modality.TEXT, 1, 0, 1, identity(0, 1, 1)))
                .hasMessageContaining("need S >= 1");
        assertThatThrownBy(() -> new TreeModel(Modality.TEXT, 1, 1, 0, identity(1, 0, 1)))
                .hasMessageContaining("need S >= 1");
        // 2^24 leaves is the limit, inclusive
        assertThatCode(() -> new TreeModel(Modality.IMAGE, 1, 24, 2, identity(24, 2, 1))).doesNotThrowAnyException();
        assertThatThrownBy(() -> new TreeModel(Modality.IMAGE, 1, 25, 2, identity(25, 2, 1)))
                .hasMessageContaining("too many");
    }

    @Test
    void rowsWithinTheToleranceAreAcceptedAndClampedNotBeyond() {
        double[][][][] t = identity(1, 1, 2);
        t[0][0][0] = new double[]{1 + 0.5e-6, -0.5e-6};
        TreeModel ok = new TreeModel(Modality.TEXT, 2, 1, 1, t);
        assertThat(ok.transition(0, 0, 0, 1)).isZero();            // tiny negative entry clamped to 0
        t[0][0][0] = new double[]{1 + 2e-6, -2e-6};
        assertThatThrownBy(() -> new TreeModel(Modality.TEXT, 2, 1, 1, t)).hasMessageContaining("not a probability");
        t[0][0][0] = new double[]{0.5, 0.5 + 2e-6};
        assertThatThrownBy(() -> new TreeModel(Modality.TEXT, 2, 1, 1, t)).hasMessageContaining("sums to");
    }

    @Test
    void matricesIsAFullCopy() {
        JghmModel model = TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 3, 2, 0.3, 0.4, 1, 5));
        for (Modality mod : Modality.values()) {
            TreeModel tree = model.tree(mod);
            double[][][][] copy = tree.matrices();
            assertThat(copy).hasNumberOfRows(tree.depth());
            for (int l = 0; l < tree.depth(); l++) {
                assertThat(copy[l]).hasNumberOfRows(tree.branching());
                for (int c = 0; c < tree.branching(); c++) {
                    for (int a = 0; a < 3; a++) {
                        for (int b = 0; b < 3; b++) {
                            assertThat(copy[l][c][a][b]).isEqualTo(tree.transition(l, c, a, b));
                        }
                    }
                }
            }
            double before = tree.transition(0, 0, 0, 0);
            copy[0][0][0][0] = 42;
            assertThat(tree.transition(0, 0, 0, 0)).isEqualTo(before);
            // a tree rebuilt from the copy of an unmodified tree is the same tree
            assertThat(new TreeModel(mod, 3, tree.depth(), tree.branching(), tree.matrices()).maxAbsDifference(tree))
                    .isZero();
        }
    }

    @Test
    void modelNoiseMustBePositiveAndDescribesItself() {
        JghmModel m = TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 1, 3, 0.3, 0.4, 0.7, 5));
        assertThatThrownBy(() -> new JghmModel(m.text(), m.image(), 0.3, 0.4, 0, 5L))
                .hasMessageContaining("noise scale");
        assertThat(m.toString()).contains("S=3", "text L=2 m=2 p=0.3", "image L=1 m=3 p=0.4", "sigma=0.7", "seed=5");
        assertThat(new JghmModel(m.text(), m.image(), 0.3, 0.4, 0.7, null).toString()).doesNotContain("seed");
        // withP keeps the permutations and Gaussians: it equals generating the spec at the new p
        JghmModel moved = m.withP(0.1);
        JghmModel direct = TransitionMatrixGenerator.generate(new JghmSpec(3, 2, 2, 1, 3, 0.1, 0.1, 0.7, 5));
        assertThat(moved.text().maxAbsDifference(direct.text())).isZero();
        assertThat(moved.image().maxAbsDifference(direct.image())).isZero();
    }

    private static PluginConfig config(Map<String, Object> overrides) {
        Map<String, Object> v = new HashMap<>();
        for (ParameterSpec p : new JghmDatasetProvider().parameters()) {
            v.put(p.name(), p.defaultValue());
        }
        v.putAll(overrides);
        return new PluginConfig(PluginKind.DATASET, "jghm", v);
    }

    private static io.suffice.api.plugin.Range range(String name) {
        return new JghmDatasetProvider().parameters().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow().range();
    }

    @Test
    void pluginRangesAndInheritanceSentinels() {
        // declared ranges (checked by the runtime when it resolves a config), at both ends
        JghmDatasetProvider p = new JghmDatasetProvider();
        Map<String, Object> small = Map.of("states", 2L, "depth", 1L, "branching", 1L);
        assertThatCode(() -> p.create(config(small))).doesNotThrowAnyException();
        for (String key : new String[]{"states", "depth", "branching", "candidates"}) {
            assertThat(range(key).contains(1)).as(key).isTrue();
            assertThat(range(key).contains(0)).as(key).isFalse();
        }
        for (String key : new String[]{"text-depth", "text-branching", "image-depth", "image-branching"}) {
            assertThat(range(key).contains(0)).as(key + ": 0 inherits").isTrue();
            assertThat(range(key).contains(-1)).as(key).isFalse();
            Map<String, Object> one = new HashMap<>(small);
            one.put(key, 1L);
            assertThatCode(() -> p.create(config(one))).doesNotThrowAnyException();
        }
        for (String key : new String[]{"p", "text-p", "image-p", "bp-p"}) {
            assertThat(range(key).contains(0)).as(key).isTrue();
            assertThat(range(key).contains(1)).as(key).isTrue();
            assertThat(range(key).contains(1.01)).as(key).isFalse();
            assertThat(range(key).contains(-0.5)).as(key).isFalse();
            assertThat(range(key).contains(-1)).as(key + ": -1 inherits, except for p itself").isEqualTo(!key.equals("p"));
        }
        assertThat(range("noise-scale").contains(0)).isFalse();
        for (double ends : new double[]{0, 1}) {
            assertThatCode(() -> p.create(config(Map.of("states", 2L, "depth", 1L, "p", ends, "text-p", ends,
                    "image-p", ends, "bp-p", ends)))).doesNotThrowAnyException();
        }
        // the cross-parameter rule: groups of K >= 2 need paired data
        assertThatThrownBy(() -> p.validate(config(Map.of("candidates", 2L, "pairing", "unpaired"))))
                .hasMessageContaining("parameter candidates");
        assertThatCode(() -> p.validate(config(Map.of("candidates", 1L, "pairing", "unpaired"))))
                .doesNotThrowAnyException();
        assertThatCode(() -> p.validate(config(Map.of("candidates", 2L, "pairing", "paired"))))
                .doesNotThrowAnyException();
    }

    @Test
    void inheritanceSentinelsAreOnlyTheNegativeAndZeroValues() {
        // text-p = 0 and bp-p = 0 are flip probabilities, not "inherit": the model and the oracle's belief use 0
        JghmDatasetProvider p = new JghmDatasetProvider();
        JghmDataset ds = (JghmDataset) p.create(config(Map.of("states", 2L, "depth", 1L, "p", 0.3, "text-p", 0.0,
                "image-p", 0.0, "bp-p", 0.0)));
        assertThat(ds.model().p(Modality.TEXT)).isZero();
        assertThat(ds.model().p(Modality.IMAGE)).isZero();
        JghmDataset believesZero = (JghmDataset) p.create(config(Map.of("states", 2L, "depth", 1L, "p", 0.3,
                "bp-p", 0.0)));
        JghmBayesOracle oracle = (JghmBayesOracle) believesZero.oracle().orElseThrow();
        assertThat(oracle.belief().p(Modality.TEXT)).isZero();
        assertThat(oracle.truth().p(Modality.TEXT)).isEqualTo(0.3);
        JghmDataset inherit = (JghmDataset) p.create(config(Map.of("states", 2L, "depth", 1L, "p", 0.3)));
        assertThat(inherit.model().p(Modality.TEXT)).isEqualTo(0.3);
        assertThat(((JghmBayesOracle) inherit.oracle().orElseThrow()).belief()).isSameAs(inherit.model());
        // one candidate needs no pairing; groups of two or more need paired rows
        assertThatCode(() -> p.create(config(Map.of("states", 2L, "depth", 1L, "pairing", "unpaired",
                "candidates", 1L)))).doesNotThrowAnyException();
        JghmModel m = inherit.model();
        assertThatCode(() -> new JghmDataset(m, m, Pairing.UNPAIRED, 1)).doesNotThrowAnyException();
        assertThatCode(() -> new JghmDataset(m, m, Pairing.PAIRED, 2)).doesNotThrowAnyException();
        assertThatThrownBy(() -> new JghmDataset(m, m, Pairing.UNPAIRED, 2)).hasMessageContaining("pairing=paired");
        assertThatThrownBy(() -> new JghmDataset(m, m, Pairing.PAIRED, 0)).hasMessageContaining("candidates");
    }

    @Test
    void samplerAndRiskEstimatesAtTheirSmallestSizes() {
        JghmModel m = TransitionMatrixGenerator.generate(new JghmSpec(2, 1, 2, 1, 2, 0.2, 0.2, 1, 3));
        JghmSampler sampler = new JghmSampler(m);
        assertThat(sampler.paired(0, new java.util.SplittableRandom(1)).n()).isZero();
        assertThat(sampler.candidates(3, 2, new java.util.SplittableRandom(1)).n()).isEqualTo(6);
        assertThat(new JghmBayesOracle(m).sample(1, 2, 1).size()).isEqualTo(1);
        assertThatThrownBy(() -> new JghmBayesOracle(m).sample(0, 2, 1)).hasMessageContaining("at least one");
        assertThatThrownBy(() -> new JghmBayesOracle(m).leafGivenRoot(Modality.TEXT, 2))
                .hasMessageContaining("leaf 2 is outside 0..1");
    }

    @Test
    void logSpaceHelpersAtTheirEdges() {
        double inf = Double.NEGATIVE_INFINITY;
        assertThat(LogMath.logSumExp(new double[]{inf, inf})).isEqualTo(inf);
        assertThat(LogMath.logSumExp(new double[]{inf, 0}, new double[]{0, inf})).isEqualTo(inf);
        assertThat(LogMath.logSumExp(new double[]{1000, 1000})).isEqualTo(1000 + Math.log(2));
        assertThat(LogMath.argmax(new double[]{1, 3, 3, 2})).isEqualTo(1);
        assertThat(LogMath.argmax(new double[]{5, 5})).isZero();
    }
}
