package io.suffice.downstream.denoise;

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
import io.suffice.downstream.generative.Tensors;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The denoiser's features, loss and gradients on tiny inputs, against hand computations. */
class ConditionalDenoiserTest {
    static final int S = 3;
    static final int L = 4;
    static final int E = 2;
    static final int D = 4;
    static final int B = 2;
    static final double SIGMA = 0.7;

    static Map<String, HostTensor> feeds(boolean target) {
        SplittableRandom r = new SplittableRandom(3);
        double[] z = new double[B * L];
        double[] x = new double[B * L];
        double[] e = new double[B * E];
        for (int i = 0; i < z.length; i++) {
            x[i] = r.nextInt(S);
            z[i] = x[i] + SIGMA * (r.nextDouble() * 2 - 1);
        }
        for (int i = 0; i < e.length; i++) {
            e[i] = r.nextDouble() * 2 - 1;
        }
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put(ConditionalDenoiser.NOISY, HostTensor.of(z, B, L));
        if (target) {
            f.put(ConditionalDenoiser.TARGET, HostTensor.of(x, B, L));
        }
        f.put(ConditionToken.EMBEDDING, HostTensor.of(e, B, E));
        return f;
    }

    @Test
    void depthZeroLossMatchesAHandComputation() {
        ConditionalDenoiser model = new ConditionalDenoiser(S, L, SIGMA, D, 0, 1, Conditioning.FROZEN, DType.FLOAT64);
        Graph g = new Graph(11);
        ConditionalDenoiser.Built built = model.build(g, E, null, 0);
        ParameterStore store = ParameterStore.of(g);
        Map<String, HostTensor> in = feeds(true);
        List<Value> inputs = new ArrayList<>(g.parameters());
        inputs.addAll(built.inputs());
        double engine;
        double[] prediction;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, inputs, Map.of("loss", built.loss(), "prediction", built.prediction()))) {
            Map<String, HostTensor> f = new LinkedHashMap<>(store.asMap());
            f.putAll(in);
            var out = e.run(f);
            engine = out.get("loss").toDoubleArray()[0];
            prediction = out.get("prediction").toDoubleArray();
        }
        double[] z = in.get(ConditionalDenoiser.NOISY).toDoubleArray();
        double[] x = in.get(ConditionalDenoiser.TARGET).toDoubleArray();
        double[] emb = in.get(ConditionToken.EMBEDDING).toDoubleArray();
        double[] win = p(store, "denoiser.in.weight");
        double[] bin = p(store, "denoiser.in.bias");
        double[] wc = p(store, "cond.proj.weight");
        double[] bc = p(store, "cond.proj.bias");
        double[] pos = p(store, "denoiser.pos");
        double[] lns = p(store, "denoiser.ln.scale");
        double[] lnb = p(store, "denoiser.ln.bias");
        double[] wout = p(store, "denoiser.out.weight");
        double[] bout = p(store, "denoiser.out.bias");
        double loss = 0;
        for (int b = 0; b < B; b++) {
            for (int i = 0; i < L; i++) {
                double[] h = new double[D];
                for (int k = 0; k < D; k++) {
                    h[k] = bin[k] + pos[(i + 1) * D + k];
                    for (int s = 0; s < S; s++) {
                        double f = -Math.pow(z[b * L + i] - s, 2) / (2 * SIGMA * SIGMA);
                        h[k] += f * win[s * D + k];
                    }
                }
                double mu = 0;
                for (double v : h) {
                    mu += v / D;
                }
                double var = 0;
                for (double v : h) {
                    var += (v - mu) * (v - mu) / D;
                }
                double[] logits = new double[S];
                for (int s = 0; s < S; s++) {
                    logits[s] = bout[s];
                    for (int k = 0; k < D; k++) {
                        double n = (h[k] - mu) / Math.sqrt(var + 1e-5) * lns[k] + lnb[k];
                        logits[s] += n * wout[k * S + s];
                    }
                }
                double max = Math.max(logits[0], Math.max(logits[1], logits[2]));
                double norm = 0;
                double mean = 0;
                for (int s = 0; s < S; s++) {
                    norm += Math.exp(logits[s] - max);
                    mean += s * Math.exp(logits[s] - max);
                }
                mean /= norm;
                assertThat(prediction[b * L + i]).isCloseTo(mean, within(1e-9));
                loss += Math.pow(mean - x[b * L + i], 2) / B;
            }
        }
        assertThat(engine).isCloseTo(loss, within(1e-9));
        // at depth 0 the conditioning token cannot reach the leaves: its parameters are declared but unused
        assertThat(wc.length + bc.length).isEqualTo(E * D + D);
    }

    @Test
    void gradientsMatchFiniteDifferences() {
        for (Conditioning c : List.of(Conditioning.FROZEN, Conditioning.NONE)) {
            // float32: ONNX Runtime's CPU Erf (inside GELU) has no float64 kernel
            ConditionalDenoiser model = new ConditionalDenoiser(S, L, SIGMA, D, 1, 2, c, DType.FLOAT32);
            Graph g = new Graph(13);
            ConditionalDenoiser.Built built = model.build(g, E, null, 0);
            Map<String, HostTensor> f = asFloat32(feeds(true));
            if (c == Conditioning.NONE) {
                f.remove(ConditionToken.EMBEDDING);
            }
            double worst = FiniteDifferences.worstRelativeError(g, built.loss(), built.inputs(), f, 4);
            assertThat(worst).as("conditioning " + c).isLessThan(2e-2);
        }
    }

    @Test
    void noiseLevelInputFeaturesUseEachRowsSigmaAndHaveCorrectGradients() {
        ConditionalDenoiser model = new ConditionalDenoiser(S, L, 1.0, D, 1, 2, Conditioning.FROZEN, DType.FLOAT64,
                true);
        Graph g = new Graph(17);
        Value z = g.input("z", DType.FLOAT64, io.suffice.api.tensor.Shape.DYNAMIC, L);
        Value sig = g.input("s", DType.FLOAT64, io.suffice.api.tensor.Shape.DYNAMIC);
        Value f = model.features(g, z, sig);
        double[] zs = feeds(false).get(ConditionalDenoiser.NOISY).toDoubleArray();
        double[] sigmas = {0.3, 2.5};
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(z, sig), Map.of("f", f))) {
            double[] out = e.run(Map.of("z", HostTensor.of(zs, B, L), "s", HostTensor.of(sigmas, B)))
                    .get("f").toDoubleArray();
            for (int b = 0; b < B; b++) {
                for (int i = 0; i < L; i++) {
                    for (int s = 0; s < S; s++) {
                        double want = -Math.pow(zs[b * L + i] - s, 2) / (2 * sigmas[b] * sigmas[b]);
                        assertThat(out[(b * L + i) * S + s]).isCloseTo(want, within(1e-12));
                    }
                }
            }
        }
        ConditionalDenoiser f32 = new ConditionalDenoiser(S, L, 1.0, D, 1, 2, Conditioning.FROZEN, DType.FLOAT32,
                true);
        Graph g2 = new Graph(19);
        ConditionalDenoiser.Built built = f32.build(g2, E, null, 0);
        Map<String, HostTensor> in = asFloat32(feeds(true));
        in.put(ConditionalDenoiser.SIGMA, HostTensor.of(new float[]{0.3f, 2.5f}, B));
        assertThat(FiniteDifferences.worstRelativeError(g2, built.loss(), built.inputs(), in, 4)).isLessThan(2e-2);
    }

    /**
     * The float32 denoiser (what the tasks train) computes the float64 one's function: with the same parameters cast
     * to float32 its prediction, the posterior mean over the symbols 0..S-1, and its loss agree to float32 rounding
     * (1e-4 absolute on values of order 1). Depth 0: the blocks use GELU, whose Erf has no float64 kernel.
     */
    @Test
    void float32ModelComputesTheFloat64ModelsFunction() throws Exception {
        Map<String, double[]> result = new LinkedHashMap<>();
        Map<String, HostTensor> params64 = null;
        for (DType dtype : new DType[]{DType.FLOAT64, DType.FLOAT32}) {
            ConditionalDenoiser model = new ConditionalDenoiser(S, L, SIGMA, D, 0, 1, Conditioning.FROZEN, dtype);
            Graph g = new Graph(11);
            ConditionalDenoiser.Built built = model.build(g, E, null, 0);
            Map<String, HostTensor> params = new LinkedHashMap<>(ParameterStore.of(g).asMap());
            if (params64 == null) {
                params64 = params;
            } else {
                Map<String, HostTensor> ref = params64;
                params.replaceAll((k, v) -> Tensors.asFloat(ref.get(k), DType.FLOAT32));
            }
            List<Value> inputs = new ArrayList<>(g.parameters());
            inputs.addAll(built.inputs());
            Map<String, HostTensor> f = new LinkedHashMap<>(params);
            f.putAll(dtype == DType.FLOAT32 ? asFloat32(feeds(true)) : feeds(true));
            try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
                 Executable e = ex.compile(g, inputs, Map.of("loss", built.loss(), "prediction", built.prediction()))) {
                var out = e.run(f);
                result.put(dtype + " loss", out.get("loss").toDoubleArray());
                result.put(dtype + " prediction", out.get("prediction").toDoubleArray());
            }
        }
        double[] p64 = result.get("FLOAT64 prediction");
        double[] p32 = result.get("FLOAT32 prediction");
        assertThat(p64).hasSize(B * L);
        for (int i = 0; i < p64.length; i++) {
            assertThat(p64[i]).isBetween(0.0, S - 1.0);
            assertThat(p32[i]).isCloseTo(p64[i], within(1e-4));
        }
        assertThat(result.get("FLOAT32 loss")[0]).isCloseTo(result.get("FLOAT64 loss")[0], within(1e-4));
    }

    /** The smallest valid sizes are accepted (S = 2, one leaf, any positive sigma); below them refused. */
    @Test
    void sizeBoundsAreExact() {
        new ConditionalDenoiser(2, 1, 1e-3, D, 0, 1, Conditioning.FROZEN, DType.FLOAT64);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConditionalDenoiser(1, 1, 1, D, 0, 1,
                Conditioning.FROZEN, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConditionalDenoiser(2, 0, 1, D, 0, 1,
                Conditioning.FROZEN, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new ConditionalDenoiser(2, 1, 0, D, 0, 1,
                Conditioning.FROZEN, DType.FLOAT64)).isInstanceOf(IllegalArgumentException.class);
    }

    static Map<String, HostTensor> asFloat32(Map<String, HostTensor> m) {
        Map<String, HostTensor> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, Tensors.asFloat(v, DType.FLOAT32)));
        return out;
    }

    static double[] p(ParameterStore s, String name) {
        return s.get(name).toDoubleArray();
    }
}
