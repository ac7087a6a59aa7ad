package io.suffice.downstream.caption;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.downstream.generative.ConditionToken;
import io.suffice.downstream.generative.Conditioning;
import io.suffice.downstream.generative.FiniteDifferences;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The captioner's losses, causal mask, gradients and greedy decoding on tiny inputs. */
class CaptionModelTest {
    static final int S = 3;
    static final int L = 5;
    static final int E = 2;
    static final int D = 4;
    static final int B = 3;

    static long[] text() {
        SplittableRandom r = new SplittableRandom(4);
        long[] t = new long[B * L];
        for (int i = 0; i < t.length; i++) {
            t[i] = r.nextInt(S);
        }
        return t;
    }

    static Map<String, HostTensor> feeds(long[] text, DType dtype) {
        SplittableRandom r = new SplittableRandom(9);
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(CaptionModel.TEXT, HostTensor.of(text.clone(), B, L));
        double[] e = new double[B * E];
        for (int i = 0; i < e.length; i++) {
            e[i] = r.nextDouble() * 2 - 1;
        }
        f.put(ConditionToken.EMBEDDING, io.suffice.downstream.generative.Tensors.asFloat(HostTensor.of(e, B, E),
                dtype));
        return f;
    }

    /** A compiled model: parameters, outputs logits/loss/next/first. */
    record Compiled(OrtExecutor ex, Executable exec, ParameterStore store) implements AutoCloseable {
        Map<String, HostTensor> run(Map<String, HostTensor> in) {
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(in);
            Map<String, HostTensor> out = new LinkedHashMap<>();
            exec.run(f).forEach((k, v) -> out.put(k, v.copy()));
            return out;
        }

        @Override
        public void close() {
            exec.close();
            ex.close();
        }
    }

    static Compiled compile(int depth, DType dtype) {
        CaptionModel model = new CaptionModel(S, L, D, depth, 2, Conditioning.FROZEN, dtype);
        Graph g = new Graph(21);
        CaptionModel.Built built = model.build(g, E, null, 0);
        ParameterStore store = ParameterStore.of(g);
        List<Value> inputs = new ArrayList<>(g.parameters());
        inputs.addAll(built.inputs());
        Map<String, Value> outs = new LinkedHashMap<>();
        outs.put("logits", built.logits());
        outs.put("loss", built.loss());
        outs.put("next", built.nextTokenCe());
        outs.put("first", built.firstTokenCe());
        OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
        return new Compiled(ex, ex.compile(g, inputs, outs), store);
    }

    @Test
    void lossesAreTheCrossEntropiesOfTheLogits() {
        long[] text = text();
        try (Compiled c = compile(1, DType.FLOAT32)) {
            Map<String, HostTensor> out = c.run(feeds(text, DType.FLOAT32));
            double[] lg = out.get("logits").toDoubleArray();
            double next = 0;
            double first = 0;
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < L; j++) {
                    int at = (b * L + j) * S;
                    double lse = Math.log(Math.exp(lg[at]) + Math.exp(lg[at + 1]) + Math.exp(lg[at + 2]));
                    double nll = lse - lg[at + (int) text[b * L + j]];
                    if (j == 0) {
                        first += nll / B;
                    } else {
                        next += nll / (B * (L - 1));
                    }
                }
            }
            assertThat(out.get("next").toDoubleArray()[0]).isCloseTo(next, within(1e-5));
            assertThat(out.get("first").toDoubleArray()[0]).isCloseTo(first, within(1e-5));
            assertThat(out.get("loss").toDoubleArray()[0]).isCloseTo((first + (L - 1) * next) / L, within(1e-5));
        }
    }

    @Test
    void depthZeroLogitsMatchAHandComputation() {
        long[] text = text();
        try (Compiled c = compile(0, DType.FLOAT64)) {
            Map<String, HostTensor> in = feeds(text, DType.FLOAT64);
            double[] lg = c.run(in).get("logits").toDoubleArray();
            double[] emb = in.get(ConditionToken.EMBEDDING).toDoubleArray();
            double[] tok = c.store().get("vlm.tok.weight").toDoubleArray();
            double[] wc = c.store().get("cond.proj.weight").toDoubleArray();
            double[] bc = c.store().get("cond.proj.bias").toDoubleArray();
            double[] pos = c.store().get("vlm.pos").toDoubleArray();
            double[] lns = c.store().get("vlm.ln.scale").toDoubleArray();
            double[] lnb = c.store().get("vlm.ln.bias").toDoubleArray();
            double[] wo = c.store().get("vlm.out.weight").toDoubleArray();
            double[] bo = c.store().get("vlm.out.bias").toDoubleArray();
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < L; j++) {
                    double[] h = new double[D];
                    for (int k = 0; k < D; k++) {
                        if (j == 0) {
                            h[k] = bc[k] + emb[b * E] * wc[k] + emb[b * E + 1] * wc[D + k];
                        } else {
                            h[k] = tok[(int) text[b * L + j - 1] * D + k];   // position j reads token j-1
                        }
                        h[k] += pos[j * D + k];
                    }
                    double mu = (h[0] + h[1] + h[2] + h[3]) / D;
                    double var = 0;
                    for (double v : h) {
                        var += (v - mu) * (v - mu) / D;
                    }
                    for (int s = 0; s < S; s++) {
                        double want = bo[s];
                        for (int k = 0; k < D; k++) {
                            want += ((h[k] - mu) / Math.sqrt(var + 1e-5) * lns[k] + lnb[k]) * wo[k * S + s];
                        }
                        assertThat(lg[(b * L + j) * S + s]).isCloseTo(want, within(1e-9));
                    }
                }
            }
        }
    }

    @Test
    void changingAFutureTokenLeavesEarlierPredictionsUnchanged() {
        long[] text = text();
        try (Compiled c = compile(2, DType.FLOAT32)) {
            double[] before = c.run(feeds(text, DType.FLOAT32)).get("logits").toDoubleArray();
            for (int k = 0; k < L - 1; k++) {
                long[] changed = text.clone();
                for (int b = 0; b < B; b++) {
                    changed[b * L + k] = (changed[b * L + k] + 1) % S;
                }
                double[] after = c.run(feeds(changed, DType.FLOAT32)).get("logits").toDoubleArray();
                double laterChange = 0;
                for (int b = 0; b < B; b++) {
                    for (int j = 0; j < L; j++) {
                        for (int s = 0; s < S; s++) {
                            int at = (b * L + j) * S + s;
                            if (j <= k) {
                                // the prediction of x_j sees x_0..x_{j-1} only
                                assertThat(after[at]).as("token %d changed, position %d", k, j).isEqualTo(before[at]);
                            } else {
                                laterChange = Math.max(laterChange, Math.abs(after[at] - before[at]));
                            }
                        }
                    }
                }
                assertThat(laterChange).as("token %d must influence position %d", k, k + 1).isGreaterThan(1e-4);
            }
        }
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Conditioning c : List.of(Conditioning.FROZEN, Conditioning.NONE)) {
            // float32: ONNX Runtime's CPU Erf (inside GELU) has no float64 kernel
            CaptionModel model = new CaptionModel(S, L, D, 1, 2, c, DType.FLOAT32);
            Graph g = new Graph(23);
            CaptionModel.Built built = model.build(g, E, null, 0);
            Map<String, HostTensor> f = feeds(text(), DType.FLOAT32);
            if (c == Conditioning.NONE) {
                f.remove(ConditionToken.EMBEDDING);
            }
            double worst = FiniteDifferences.worstRelativeError(g, built.loss(), built.inputs(), f, 4);
            assertThat(worst).as("conditioning " + c).isLessThan(2e-2);
        }
    }

    @Test
    void greedyCaptionsAreTheArgmaxOfTheirOwnPredictions() {
        CaptionModel model = new CaptionModel(S, L, D, 2, 1, Conditioning.FROZEN, DType.FLOAT32);
        Graph g = new Graph(29);
        CaptionModel.Built built = model.build(g, E, null, 0);
        ParameterStore store = ParameterStore.of(g);
        List<Value> inputs = new ArrayList<>(g.parameters());
        inputs.addAll(built.inputs());
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable logits = ex.compile(g, inputs, Map.of("logits", built.logits()))) {
            Map<String, HostTensor> cond = feeds(text(), DType.FLOAT32);
            cond.remove(CaptionModel.TEXT);
            int[][] caps = new CaptionGenerator(logits, store.asMap(), S, L).generate(cond, B, 0,
                    new SplittableRandom(1));
            long[] flat = new long[B * L];
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < L; j++) {
                    flat[b * L + j] = caps[b][j];
                }
            }
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(cond);
            f.put(CaptionModel.TEXT, HostTensor.of(flat, B, L));
            double[] lg = logits.run(f).get("logits").toDoubleArray();
            for (int b = 0; b < B; b++) {
                for (int j = 0; j < L; j++) {
                    int at = (b * L + j) * S;
                    int best = 0;
                    for (int s = 1; s < S; s++) {
                        best = lg[at + s] > lg[at + best] ? s : best;
                    }
                    assertThat(caps[b][j]).isEqualTo(best);
                }
            }
            int[][] sampled = new CaptionGenerator(logits, store.asMap(), S, L).generate(cond, B, 1.0,
                    new SplittableRandom(2));
            for (int[] row : sampled) {
                for (int t : row) {
                    assertThat(t).isBetween(0, S - 1);
                }
            }
        }
    }

    /** The smallest valid sizes are accepted (S = 2, a text of 2 tokens: one prefix, one target); below refused. */
    @Test
    void sizeBoundsAreExact() {
        new CaptionModel(2, 2, D, 0, 1, Conditioning.FROZEN, DType.FLOAT64);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CaptionModel(1, 2, D, 0, 1,
                Conditioning.FROZEN, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new CaptionModel(2, 1, D, 0, 1,
                Conditioning.FROZEN, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class);
    }
}
