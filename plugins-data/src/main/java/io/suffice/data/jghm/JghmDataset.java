package io.suffice.data.jghm;

import io.suffice.api.data.Batch;
import io.suffice.api.data.Dataset;
import io.suffice.api.oracle.BayesOracle;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.nio.FloatBuffer;
import java.nio.LongBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * The JGHM as an infinite (generator) dataset: every {@link #sample} call draws fresh examples. With
 * {@code candidates = 1} a batch of {@code n} examples has the fields
 * <ul>
 * <li>{@code image}: int64 {@code [n, Li]} image tokens (leaves, breadth-first), values {@code 0..S-1}; Li = 81 by
 * default</li>
 * <li>{@code text}: int64 {@code [n, Lt]} text tokens</li>
 * <li>{@code root}: int64 {@code [n]} the image tree's root (the shared root of a pair)</li>
 * <li>{@code text_root}: int64 {@code [n]} the text tree's root (equal to {@code root} when paired)</li>
 * <li>{@code label}: int64 {@code [n]} the zero-shot label, the value of the first text leaf</li>
 * <li>{@code image_noisy}: float32 {@code [n, Li]} {@code image + sigma * N(0,1)}, the denoiser's input</li>
 * </ul>
 * With {@code candidates = K >= 2} (paired only) each example is a K-candidate group of the contrastive risk and every
 * field gains a second dimension {@code K} ({@code image} int64 {@code [n, K, Li]}, {@code root} {@code [n, K]} ...):
 * candidate 0 is the positive pair, candidates 1..K-1 are independent pairs (negatives for candidate 0).
 * <p>
 * {@link #oracle()} returns the exact Bayes answers ({@link JghmBayesOracle}); with a {@code belief} model other than
 * the data's, the mis-specified BP of the shift-in-p comparison. Immutable and thread-safe.
 */
public final class JghmDataset implements Dataset {
    private final JghmModel model;
    private final JghmModel belief;
    private final Pairing pairing;
    private final int candidates;
    private final JghmSampler sampler;

    /**
     * @param model      the data model
     * @param belief     the model BP uses for {@link #oracle()} (usually {@code model})
     * @param pairing    paired or unpaired roots
     * @param candidates 1 for plain examples, K >= 2 for contrastive candidate groups (paired only)
     */
    public JghmDataset(JghmModel model, JghmModel belief, Pairing pairing, int candidates) {
        if (candidates < 1) {
            throw new IllegalArgumentException("candidates must be >= 1, got " + candidates);
        }
        if (candidates > 1 && pairing != Pairing.PAIRED) {
            throw new IllegalArgumentException("candidate groups are made of pairs; use pairing=paired");
        }
        this.model = model;
        this.belief = belief;
        this.pairing = pairing;
        this.candidates = candidates;
        this.sampler = new JghmSampler(model);
    }

    public JghmModel model() {
        return model;
    }

    @Override
    public long size() {
        return -1;
    }

    @Override
    public Batch sample(int n, RandomGenerator rng) {
        int k = candidates;
        JghmSamples d = k > 1 ? sampler.candidates(n, k, rng)
                : pairing == Pairing.PAIRED ? sampler.paired(n, rng) : sampler.unpaired(n, rng);
        long[] lead = k > 1 ? new long[]{n, k} : new long[]{n};
        Map<String, HostTensor> f = new LinkedHashMap<>();
        f.put("image", ints(d.image(), lead, d.imageLeaves()));
        f.put("text", ints(d.text(), lead, d.textLeaves()));
        f.put("root", ints(d.imageRoot(), lead, 0));
        f.put("text_root", ints(d.textRoot(), lead, 0));
        int[] label = new int[d.n()];
        for (int i = 0; i < label.length; i++) {
            label[i] = d.text()[i * d.textLeaves()];
        }
        f.put("label", ints(label, lead, 0));
        HostTensor noisy = HostTensor.zeros(DType.FLOAT32, shape(lead, d.imageLeaves()));
        FloatBuffer nb = noisy.floats();
        nb.put(d.noisyImage());
        f.put("image_noisy", noisy);
        return new Batch(f);
    }

    private static Shape shape(long[] lead, int last) {
        long[] dims = java.util.Arrays.copyOf(lead, lead.length + (last > 0 ? 1 : 0));
        if (last > 0) {
            dims[lead.length] = last;
        }
        return Shape.of(dims);
    }

    private static HostTensor ints(int[] values, long[] lead, int last) {
        HostTensor t = HostTensor.zeros(DType.INT64, shape(lead, last));
        LongBuffer b = t.longs();
        for (int i = 0; i < values.length; i++) {
            b.put(i, values[i]);
        }
        return t;
    }

    /** @throws UnsupportedOperationException always: the JGHM is a generator */
    @Override
    public Batch all() {
        throw new UnsupportedOperationException("jghm is a generator: use sample(n, rng)");
    }

    @Override
    public Optional<BayesOracle> oracle() {
        return Optional.of(new JghmBayesOracle(model, belief));
    }
}
