package io.suffice.encoders.transformer;

import io.suffice.api.graph.Executable;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.model.EncoderTrace;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.encoders.mlp.MlpEncoder;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The transformer encoder's ONNX forward pass against a plain-Java reference on tiny configurations. */
class TransformerEncoderTest {
    static final long[] TOKENS = {0, 2, 1, 1, 2, 0, 2, 2, 1, 0};  // 2 sequences of T = 5

    @ParameterizedTest
    @CsvSource({"1,1,linear", "2,1,linear", "2,2,mean", "1,2,first", "0,1,linear"})
    void forwardMatchesPlainJava(int depth, int heads, String pooling) {
        TransformerEncoder enc = new TransformerEncoder("tower", 3, 4, depth, heads, 3, pooling);
        Graph g = new Graph(5);
        Value x = g.input("x", DType.INT64, Shape.DYNAMIC, 5);
        Value y = enc.forward(g, x);
        assertThat(y.shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 3));
        double[] got;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(x), Map.of("y", y))) {
            got = e.run(Map.of("x", HostTensor.of(TOKENS, 2, 5))).get("y").toDoubleArray();
        }
        double[] want = new Reference(g, enc).forward(TOKENS, 2, 5);
        assertThat(got).hasSize(want.length);
        for (int i = 0; i < want.length; i++) {
            assertThat(got[i]).as("output %d", i).isCloseTo(want[i], within(1e-4 * Math.max(1, Math.abs(want[i]))));
        }
    }

    @Test
    void namesParametersByTowerAndRejectsBadHeads() {
        Graph g = new Graph(1);
        Value x = g.input("x", DType.INT64, Shape.DYNAMIC, 5);
        new TransformerEncoder("encoder", 3, 4, 1, 1, 3, "linear").withName("image").forward(g, x);
        assertThat(g.parameters()).allMatch(p -> p.name().startsWith("image."));
        assertThat(g.find("image.block0.q.weight")).isNotNull();
        assertThat(g.find("image.block0.q.bias")).isNull();
        assertThatThrownBy(() -> new TransformerEncoder("e", 3, 4, 1, 3, 3, "linear"))
                .hasMessageContaining("divisible");
    }

    @Test
    void mlpEncoderOneHotEncodesTokens() {
        Graph g = new Graph(1);
        Value x = g.input("x", DType.INT64, Shape.DYNAMIC, 5);
        Value y = new MlpEncoder("m", List.of(8L), 3, 3).forward(g, x);
        assertThat(y.shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 3));
        assertThat(g.find("m.mlp.0.weight").shape()).isEqualTo(Shape.of(15, 8));
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(x), Map.of("y", y))) {
            assertThat(e.run(Map.of("x", HostTensor.of(TOKENS, 2, 5))).get("y").size()).isEqualTo(6);
        }
    }

    @Test
    void traceGivesTheResidualStreamAfterEachBlockAndTheForwardOutput() {
        TransformerEncoder enc = new TransformerEncoder("tower", 3, 4, 2, 1, 3, "linear");
        Graph g = new Graph(5);
        Value x = g.input("x", DType.INT64, Shape.DYNAMIC, 5);
        EncoderTrace tr = enc.trace(g, x);
        assertThat(tr.hidden()).hasSize(2);
        Map<String, Value> outs = new java.util.LinkedHashMap<>();
        outs.put("y", tr.output());
        for (int l = 0; l < 2; l++) {
            assertThat(tr.hidden().get(l).shape()).isEqualTo(Shape.of(Shape.DYNAMIC, 5, 4));
            outs.put("h" + l, tr.hidden().get(l));
        }
        Map<String, HostTensor> got;
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             Executable e = ex.compile(g, List.of(x), outs)) {
            got = e.run(Map.of("x", HostTensor.of(TOKENS, 2, 5)));
        }
        Reference ref = new Reference(g, enc);
        double[] y = ref.forward(TOKENS, 2, 5);
        double[] gy = got.get("y").toDoubleArray();
        for (int i = 0; i < y.length; i++) {
            assertThat(gy[i]).isCloseTo(y[i], within(1e-4 * Math.max(1, Math.abs(y[i]))));
        }
        for (int l = 0; l < 2; l++) {
            double[] want = ref.hidden(TOKENS, 2, 5, l);
            double[] h = got.get("h" + l).toDoubleArray();
            assertThat(h).hasSize(want.length);
            for (int i = 0; i < want.length; i++) {
                assertThat(h[i]).as("block %d value %d", l, i)
                        .isCloseTo(want[i], within(1e-4 * Math.max(1, Math.abs(want[i]))));
            }
        }
        // forward builds the same graph: same parameters in the same order, same output shape
        Graph g2 = new Graph(5);
        Value y2 = enc.forward(g2, g2.input("x", DType.INT64, Shape.DYNAMIC, 5));
        assertThat(y2.shape()).isEqualTo(tr.output().shape());
        assertThat(g2.parameters().stream().map(Value::name).toList())
                .isEqualTo(g.parameters().stream().map(Value::name).toList());
        // encoders without blocks have no hidden states
        Graph g3 = new Graph(1);
        assertThat(new MlpEncoder("m", List.of(8L), 3, 3).trace(g3, g3.input("x", DType.INT64, Shape.DYNAMIC, 5))
                .hidden()).isEmpty();
    }

    /** Plain-Java forward pass reading the parameter values of the graph. */
    static final class Reference {
        final Graph g;
        final TransformerEncoder enc;

        Reference(Graph g, TransformerEncoder enc) {
            this.g = g;
            this.enc = enc;
        }

        double[] p(String name) {
            return g.find(enc.name() + "." + name).data().toDoubleArray();
        }

        /** The residual stream after block {@code block}, flattened {@code [n, t, width]}. */
        double[] hidden(long[] tokens, int n, int t, int block) {
            int d = enc.width();
            double[] out = new double[n * t * d];
            for (int b = 0; b < n; b++) {
                double[][] h = embed(tokens, b, t);
                for (int l = 0; l <= block; l++) {
                    h = block("block" + l + ".", h);
                }
                for (int i = 0; i < t; i++) {
                    System.arraycopy(h[i], 0, out, (b * t + i) * d, d);
                }
            }
            return out;
        }

        double[][] embed(long[] tokens, int b, int t) {
            int d = enc.width();
            double[] tok = p("tok.weight");
            double[] pos = p("pos");
            double[][] h = new double[t][d];
            for (int i = 0; i < t; i++) {
                for (int j = 0; j < d; j++) {
                    h[i][j] = tok[(int) tokens[b * t + i] * d + j] + pos[i * d + j];
                }
            }
            return h;
        }

        double[] forward(long[] tokens, int n, int t) {
            int d = enc.width();
            int e = enc.embedding();
            double[] tok = p("tok.weight");
            double[] pos = p("pos");
            double[] out = new double[n * e];
            for (int b = 0; b < n; b++) {
                double[][] h = new double[t][d];
                for (int i = 0; i < t; i++) {
                    for (int j = 0; j < d; j++) {
                        h[i][j] = tok[(int) tokens[b * t + i] * d + j] + pos[i * d + j];
                    }
                }
                for (int l = 0; l < enc.depth(); l++) {
                    h = block("block" + l + ".", h);
                }
                double[][] y = new double[t][];
                for (int i = 0; i < t; i++) {
                    y[i] = linear(h[i], p("head.weight"), p("head.bias"), d, e);
                }
                for (int c = 0; c < e; c++) {
                    double v;
                    switch (enc.pooling()) {
                        case "mean" -> {
                            v = 0;
                            for (int i = 0; i < t; i++) {
                                v += y[i][c] / t;
                            }
                        }
                        case "first" -> v = y[0][c];
                        default -> {
                            double[] w = p("pool.weight");
                            v = p("pool.bias")[0];
                            for (int i = 0; i < t; i++) {
                                v += w[i] * y[i][c];
                            }
                        }
                    }
                    out[b * e + c] = v;
                }
            }
            return out;
        }

        double[][] block(String b, double[][] h) {
            int t = h.length;
            int d = enc.width();
            int heads = enc.heads();
            int dh = d / heads;
            double[][] a = new double[t][];
            double[][] q = new double[t][];
            double[][] k = new double[t][];
            double[][] v = new double[t][];
            for (int i = 0; i < t; i++) {
                a[i] = layerNorm(h[i], p(b + "ln1.scale"), p(b + "ln1.bias"));
                q[i] = linear(a[i], p(b + "q.weight"), null, d, d);
                k[i] = linear(a[i], p(b + "k.weight"), null, d, d);
                v[i] = linear(a[i], p(b + "v.weight"), null, d, d);
            }
            double[][] ctx = new double[t][d];
            for (int hd = 0; hd < heads; hd++) {
                for (int i = 0; i < t; i++) {
                    double[] s = new double[t];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < t; j++) {
                        for (int c = hd * dh; c < (hd + 1) * dh; c++) {
                            s[j] += q[i][c] * k[j][c];
                        }
                        s[j] /= Math.sqrt(dh);
                        max = Math.max(max, s[j]);
                    }
                    double z = 0;
                    for (int j = 0; j < t; j++) {
                        s[j] = Math.exp(s[j] - max);
                        z += s[j];
                    }
                    for (int j = 0; j < t; j++) {
                        for (int c = hd * dh; c < (hd + 1) * dh; c++) {
                            ctx[i][c] += s[j] / z * v[j][c];
                        }
                    }
                }
            }
            double[][] out = new double[t][];
            for (int i = 0; i < t; i++) {
                double[] o = linear(ctx[i], p(b + "o.weight"), null, d, d);
                double[] r = new double[d];
                for (int c = 0; c < d; c++) {
                    r[c] = h[i][c] + o[c];
                }
                double[] m = linear(layerNorm(r, p(b + "ln2.scale"), p(b + "ln2.bias")), p(b + "mlp.0.weight"),
                        p(b + "mlp.0.bias"), d, 4 * d);
                for (int c = 0; c < m.length; c++) {
                    m[c] = 0.5 * m[c] * (1 + erf(m[c] / Math.sqrt(2)));
                }
                double[] m2 = linear(m, p(b + "mlp.1.weight"), p(b + "mlp.1.bias"), 4 * d, d);
                for (int c = 0; c < d; c++) {
                    r[c] += m2[c];
                }
                out[i] = r;
            }
            return out;
        }

        static double[] linear(double[] x, double[] w, double[] bias, int in, int out) {
            double[] y = new double[out];
            for (int o = 0; o < out; o++) {
                double s = bias == null ? 0 : bias[o];
                for (int i = 0; i < in; i++) {
                    s += x[i] * w[i * out + o];
                }
                y[o] = s;
            }
            return y;
        }

        static double[] layerNorm(double[] x, double[] scale, double[] bias) {
            double mean = 0;
            for (double v : x) {
                mean += v / x.length;
            }
            double var = 0;
            for (double v : x) {
                var += (v - mean) * (v - mean) / x.length;
            }
            double[] y = new double[x.length];
            for (int i = 0; i < x.length; i++) {
                y[i] = (x[i] - mean) / Math.sqrt(var + 1e-5) * scale[i] + bias[i];
            }
            return y;
        }

        /** Abramowitz-Stegun 7.1.26 is too coarse for 1e-4; use a series / continued fraction via erfc. */
        static double erf(double x) {
            double t = 1 / (1 + 0.5 * Math.abs(x));
            double y = 1 - t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                    + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                    + t * (-0.82215223 + t * 0.17087277)))))))));
            return x >= 0 ? y : -y;
        }
    }
}
