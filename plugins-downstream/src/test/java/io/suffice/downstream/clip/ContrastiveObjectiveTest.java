package io.suffice.downstream.clip;

import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The contrastive objectives against brute-force computations, and their gradients against finite differences. */
class ContrastiveObjectiveTest {
    static final int B = 2;
    static final int K = 3;
    static final int E = 2;

    /** Brute force: -log softmax over candidates, both directions, by explicit exponentials. */
    static double kCandidateReference(double[][] fi, double[][] ft, int k) {
        int groups = fi.length / k;
        double total = 0;
        for (int g = 0; g < groups; g++) {
            double[] a = fi[g * k];
            double[] b = ft[g * k];
            double zRow = 0;
            double zCol = 0;
            for (int j = 0; j < k; j++) {
                zRow += Math.exp(dot(a, ft[g * k + j]));
                zCol += Math.exp(dot(fi[g * k + j], b));
            }
            double pos = dot(a, b);
            total += -Math.log(Math.exp(pos) / zRow) - Math.log(Math.exp(pos) / zCol);
        }
        return total / groups;
    }

    /** Brute force open_clip loss: unit-normalised features, logits exp(t) cos, mean of the two cross-entropies. */
    static double infoNceReference(double[][] fi, double[][] ft, double t) {
        int n = fi.length;
        double scale = Math.exp(Math.min(t, Math.log(100)));
        double[][] logits = new double[n][n];
        for (int a = 0; a < n; a++) {
            for (int b = 0; b < n; b++) {
                logits[a][b] = scale * dot(fi[a], ft[b]) / Math.sqrt(dot(fi[a], fi[a]) * dot(ft[b], ft[b]));
            }
        }
        double loss = 0;
        for (int a = 0; a < n; a++) {
            double zr = 0;
            double zc = 0;
            for (int b = 0; b < n; b++) {
                zr += Math.exp(logits[a][b]);
                zc += Math.exp(logits[b][a]);
            }
            loss += -Math.log(Math.exp(logits[a][a]) / zr) - Math.log(Math.exp(logits[a][a]) / zc);
        }
        return loss / (2 * n);
    }

    static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    static double[][] rows(HostTensor t) {
        double[] v = t.toDoubleArray();
        int n = (int) t.shape().dim(0);
        int e = (int) t.shape().dim(1);
        double[][] r = new double[n][e];
        for (int i = 0; i < n; i++) {
            System.arraycopy(v, i * e, r[i], 0, e);
        }
        return r;
    }

    /** Loss value and finite-difference check of the gradients of every parameter. */
    static double checkAgainst(BiFunction<Graph, List<Value>, Value> build, int n, double[] extra,
                               java.util.function.Function<Map<String, HostTensor>, Double> reference) {
        Graph g = new Graph(3);
        Value fi = g.parameter("fi", Shape.of(n, E), Init.normal(1.0));
        Value ft = g.parameter("ft", Shape.of(n, E), Init.normal(1.0));
        List<Value> ps = new java.util.ArrayList<>(List.of(fi, ft));
        if (extra != null) {
            ps.add(g.parameter(ContrastiveObjective.LOGIT_SCALE, Shape.scalar(), Init.constant(extra[0])));
        }
        Value loss = build.apply(g, ps);
        List<Value> grads = Autodiff.standard().gradients(loss, ps);
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("loss", loss);
        for (int i = 0; i < ps.size(); i++) {
            outs.put("g" + i, grads.get(i));
        }
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, ps, outs)) {
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            for (Value p : ps) {
                feeds.put(p.name(), p.data().copy());
            }
            Map<String, HostTensor> out = e.run(feeds);
            double value = out.get("loss").toDoubleArray()[0];
            assertThat(value).isCloseTo(reference.apply(feeds), within(1e-4));
            for (int i = 0; i < ps.size(); i++) {
                double[] analytic = out.get("g" + i).toDoubleArray();
                HostTensor t = feeds.get(ps.get(i).name());
                for (int k = 0; k < t.size(); k++) {
                    float orig = t.floats().get(k);
                    double h = 1e-3;
                    t.floats().put(k, (float) (orig + h));
                    double up = reference.apply(feeds);
                    t.floats().put(k, (float) (orig - h));
                    double down = reference.apply(feeds);
                    t.floats().put(k, orig);
                    double fd = (up - down) / (2 * h);
                    assertThat(analytic[k]).as("d loss / d %s[%d]", ps.get(i).name(), k)
                            .isCloseTo(fd, within(2e-3 * Math.max(1, Math.abs(fd))));
                }
            }
            return value;
        }
    }

    @Test
    void kCandidateRiskMatchesBruteForceAndItsGradientsFiniteDifferences() {
        double v = checkAgainst((g, ps) -> ContrastiveObjective.kCandidate(g, ps.get(0), ps.get(1), K), B * K, null,
                f -> kCandidateReference(rows(f.get("fi")), rows(f.get("ft")), K));
        assertThat(v).isPositive();
    }

    @Test
    void kCandidateOfConstantScoresIsTwoLogK() {
        Graph g = new Graph(1);
        Value fi = g.parameter("fi", Shape.of(B * K, E), Init.zeros());
        Value ft = g.parameter("ft", Shape.of(B * K, E), Init.normal(1));
        Value loss = ContrastiveObjective.kCandidate(g, fi, ft, K);
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(), Map.of("loss", loss))) {
            assertThat(e.run(Map.of()).get("loss").toDoubleArray()[0]).isCloseTo(2 * Math.log(K), within(1e-5));
        }
    }

    @Test
    void infoNceMatchesOpenClipFormAndItsGradientsFiniteDifferences() {
        int n = 4;
        double t = 0.7;
        checkAgainst((g, ps) -> ContrastiveObjective.infoNce(g, ps.get(0), ps.get(1), ps.get(2), n), n,
                new double[]{t},
                f -> infoNceReference(rows(f.get("fi")), rows(f.get("ft")),
                        f.get(ContrastiveObjective.LOGIT_SCALE).toDoubleArray()[0]));
    }

    @Test
    void plainJavaGroupLossAgreesWithTheGraphReference() {
        double[][] fi = {{1, 0}, {0.5, -1}, {2, 1}};
        double[][] ft = {{0.3, 0.2}, {-1, 1}, {0, 2}};
        double[][] s = new double[3][3];
        for (int a = 0; a < 3; a++) {
            for (int b = 0; b < 3; b++) {
                s[a][b] = ContrastiveObjective.score(ContrastiveObjective.K_CANDIDATE, 0, fi[a], ft[b]);
            }
        }
        assertThat(ContrastiveObjective.groupLoss(s)).isCloseTo(kCandidateReference(fi, ft, 3), within(1e-12));
        assertThat(ContrastiveObjective.score(ContrastiveObjective.INFONCE, Math.log(2), new double[]{3, 4},
                new double[]{3, 4})).isCloseTo(2.0, within(1e-9));
    }

    /**
     * The InfoNCE score divides by {@code sqrt(|x|^2 + 1e-12)} per tower, as the graph's {@code normalize} does, so a
     * zero embedding scores 0 (not NaN) and a tiny one is damped by exactly that guard: for {@code x = (3, 4) 1e-7}
     * against itself, {@code |x|^2 = 2.5e-13} and the cosine becomes {@code 2.5e-13 / (2.5e-13 + 1e-12) = 0.2}.
     */
    @Test
    void infoNceScoreKeepsTheGraphsNormGuardForZeroAndTinyEmbeddings() {
        double[] tiny = {3e-7, 4e-7};
        assertThat(ContrastiveObjective.score(ContrastiveObjective.INFONCE, Math.log(2), tiny, tiny))
                .isCloseTo(2 * 0.2, within(1e-12));
        assertThat(ContrastiveObjective.score(ContrastiveObjective.INFONCE, Math.log(2), new double[]{0, 0},
                new double[]{3, 4})).isZero();
        assertThat(ContrastiveObjective.score(ContrastiveObjective.INFONCE, Math.log(2), new double[]{3, 4},
                new double[]{0, 0})).isZero();
    }

    /** {@code log sum exp} of scores that are all {@code -inf} is {@code log 0 = -inf}, not NaN from {@code -inf - -inf}. */
    @Test
    void logSumExpOfOnlyMinusInfinityIsMinusInfinity() {
        assertThat(ContrastiveObjective.logSumExp(new double[]{Double.NEGATIVE_INFINITY, Double.NEGATIVE_INFINITY}))
                .isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(ContrastiveObjective.logSumExp(new double[]{Double.NEGATIVE_INFINITY, Math.log(3)}))
                .isCloseTo(Math.log(3), within(1e-15));
    }

    static HostTensor unused(DType d) {
        return HostTensor.zeros(d, Shape.of(1));
    }
}
