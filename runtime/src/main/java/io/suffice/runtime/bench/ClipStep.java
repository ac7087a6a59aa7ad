package io.suffice.runtime.bench;

import io.suffice.api.graph.Executor;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Init;
import io.suffice.api.graph.ParameterStore;
import io.suffice.api.graph.Value;
import io.suffice.api.nn.Embedding;
import io.suffice.api.nn.LayerNorm;
import io.suffice.api.nn.Linear;
import io.suffice.api.optim.Optimizer;
import io.suffice.api.optim.StepInfo;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.runtime.engine.Autodiff;
import io.suffice.runtime.engine.TrainStep;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The {@code clip-step} workloads: one symmetric K-candidate InfoNCE step of two small pre-LN transformer encoders
 * on random JGHM-shaped tokens, with global gradient-norm clipping and AdamW on the host, mirroring
 * {@code peer_clip_step.py} (single-head attention without biases, exact GELU, learned positions, a head to
 * {@code emb} features and a learned pooling over the sequence). Stateless.
 */
public final class ClipStep {
    /** Workload shape. Immutable. */
    public record Spec(int d, int layers, int batch, int k, int seq, int vocab, int emb) {
        /** Sequences per modality per step: the paired blocks plus K-1 negative blocks. */
        public int n() {
            return batch * (k + 1);
        }

        /** Model FLOPs per step, the peer script's formula. */
        public double flops() {
            double tokens = 2.0 * n() * seq;
            return 3 * tokens * layers * (24.0 * d * d + 4.0 * seq * d);
        }
    }

    private ClipStep() {
    }

    static Value encoder(Graph g, String name, Spec s, Value tokens) {
        Value h = g.add(new Embedding(g, name + ".tok", s.vocab(), s.d()).apply(tokens),
                g.parameter(name + ".pos", Shape.of(s.seq(), s.d()), Init.normal(0.02)));
        for (int l = 0; l < s.layers(); l++) {
            String b = name + ".block" + l;
            Value x = new LayerNorm(g, b + ".ln1", s.d()).apply(h);
            Value q = new Linear(g, b + ".q", s.d(), s.d(), false, DType.FLOAT32).apply(x);
            Value k = new Linear(g, b + ".k", s.d(), s.d(), false, DType.FLOAT32).apply(x);
            Value v = new Linear(g, b + ".v", s.d(), s.d(), false, DType.FLOAT32).apply(x);
            Value scores = g.mul(g.matMul(q, g.transpose(k, 0, 2, 1)), g.scalar(1 / Math.sqrt(s.d()), DType.FLOAT32));
            Value att = g.matMul(g.softmax(scores, -1), v);
            h = g.add(h, new Linear(g, b + ".o", s.d(), s.d(), false, DType.FLOAT32).apply(att));
            Value m = new Linear(g, b + ".fc1", s.d(), 4L * s.d()).apply(new LayerNorm(g, b + ".ln2", s.d()).apply(h));
            h = g.add(h, new Linear(g, b + ".fc2", 4L * s.d(), s.d()).apply(g.gelu(m)));
        }
        Value head = new Linear(g, name + ".head", s.d(), s.emb()).apply(h);             // [n, seq, emb]
        Value pooled = new Linear(g, name + ".pool", s.seq(), 1).apply(g.transpose(head, 0, 2, 1));
        return g.squeeze(pooled, 2);                                                      // [n, emb]
    }

    /** -log_softmax over the K candidates of the positive one (index 0), per pair: [batch]. */
    static Value infoNce(Graph g, Value anchor, Value cands) {
        Value logits = g.reduceSum(g.mul(anchor, cands), false, -1);                      // [K, batch]
        Value lsm = g.logSoftmax(logits, 0);
        return g.neg(g.squeeze(g.slice(lsm, new long[]{0}, new long[]{1}, new long[]{0}, null), 0));
    }

    static Value block(Graph g, Value f, long from, long to) {
        return g.slice(f, new long[]{from}, new long[]{to}, new long[]{0}, null);
    }

    /** Builds the loss graph; inputs {@code xi}, {@code xt}: INT64 [n, seq]. */
    public static Value loss(Graph g, Spec s) {
        Value xi = g.input("xi", DType.INT64, s.n(), s.seq());
        Value xt = g.input("xt", DType.INT64, s.n(), s.seq());
        Value fi = g.reshape(encoder(g, "image", s, xi), s.k() + 1, s.batch(), s.emb());
        Value ft = g.reshape(encoder(g, "text", s, xt), s.k() + 1, s.batch(), s.emb());
        Value candT = g.concat(0, block(g, ft, 0, 1), block(g, ft, 2, s.k() + 1));
        Value candI = g.concat(0, block(g, fi, 1, 2), block(g, fi, 2, s.k() + 1));
        Value l1 = infoNce(g, block(g, fi, 0, 1), candT);
        Value l2 = infoNce(g, block(g, ft, 1, 2), candI);
        return g.reduceMean(g.add(l1, l2), false);
    }

    /** AdamW (decoupled weight decay, bias-corrected) after clipping the global gradient norm. Not thread-safe. */
    static final class ClippedAdamW implements Optimizer {
        private final double lr;
        private final double wd;
        private final double maxNorm;
        private final List<float[]> m = new ArrayList<>();
        private final List<float[]> v = new ArrayList<>();

        ClippedAdamW(double lr, double wd, double maxNorm) {
            this.lr = lr;
            this.wd = wd;
            this.maxNorm = maxNorm;
        }

        @Override
        public void step(List<HostTensor> params, List<HostTensor> grads, StepInfo info) {
            double sq = 0;
            for (HostTensor gr : grads) {
                FloatBuffer b = gr.floats();
                for (int i = 0, n = b.limit(); i < n; i++) {
                    sq += (double) b.get(i) * b.get(i);
                }
            }
            double norm = Math.sqrt(sq);
            float clip = (float) Math.min(1, maxNorm / (norm + 1e-6));
            long t = info.step() + 1;
            float b1 = 0.9f;
            float b2 = 0.999f;
            float c1 = (float) (1 - Math.pow(b1, t));
            float c2 = (float) (1 - Math.pow(b2, t));
            for (int p = 0; p < params.size(); p++) {
                FloatBuffer w = params.get(p).floats();
                FloatBuffer gr = grads.get(p).floats();
                if (m.size() <= p) {
                    m.add(new float[w.limit()]);
                    v.add(new float[w.limit()]);
                }
                float[] mp = m.get(p);
                float[] vp = v.get(p);
                for (int i = 0, n = w.limit(); i < n; i++) {
                    float gi = gr.get(i) * clip;
                    mp[i] = b1 * mp[i] + (1 - b1) * gi;
                    vp[i] = b2 * vp[i] + (1 - b2) * gi * gi;
                    float wi = w.get(i) * (float) (1 - lr * wd);
                    w.put(i, wi - (float) lr * (mp[i] / c1) / ((float) Math.sqrt(vp[i] / c2) + 1e-8f));
                }
            }
        }
    }

    public static BenchResult run(Executor ex, String name, Spec s, int warmup, int steps) {
        Graph g = new Graph(0);
        Value loss = loss(g, s);
        ParameterStore store = ParameterStore.of(g);
        HostTensor xi = HostTensor.zeros(DType.INT64, Shape.of(s.n(), s.seq()));
        HostTensor xt = HostTensor.zeros(DType.INT64, Shape.of(s.n(), s.seq()));
        Map<String, HostTensor> batch = Map.of("xi", xi, "xt", xt);
        SplittableRandom rng = new SplittableRandom(0);
        Optimizer opt = new ClippedAdamW(3e-4, 1e-3, 1.0);
        long total = (long) warmup + steps;
        long[] t = {0};
        try (TrainStep step = TrainStep.compile(ex, Autodiff.standard(), loss, Map.of(), store)) {
            return Workloads.time(name, s.flops(), warmup, steps, () -> {
                fill(xi.longs(), rng, s.vocab());
                fill(xt.longs(), rng, s.vocab());
                step.step(batch, opt, t[0]++, total);
            });
        }
    }

    private static void fill(LongBuffer b, SplittableRandom rng, int vocab) {
        for (int i = 0, n = b.limit(); i < n; i++) {
            b.put(i, rng.nextInt(vocab));
        }
    }
}
