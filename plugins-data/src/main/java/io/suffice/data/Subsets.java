package io.suffice.data;

import io.suffice.api.data.Batch;
import io.suffice.api.tensor.HostTensor;

import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.random.RandomGenerator;

/** Random row subsets of a finite batch (partial Fisher-Yates, without replacement). */
public final class Subsets {
    private Subsets() {
    }

    /** {@code n} distinct random rows of {@code all}, in draw order. */
    public static Batch sample(Batch all, int n, RandomGenerator rng) {
        int total = all.size();
        if (n < 1 || n > total) {
            throw new IllegalArgumentException("cannot draw " + n + " of " + total + " examples");
        }
        int[] idx = new int[total];
        for (int i = 0; i < total; i++) {
            idx[i] = i;
        }
        for (int i = 0; i < n; i++) {
            int j = i + rng.nextInt(total - i);
            int t = idx[i];
            idx[i] = idx[j];
            idx[j] = t;
        }
        Map<String, HostTensor> out = new LinkedHashMap<>();
        for (Map.Entry<String, HostTensor> e : all.fields().entrySet()) {
            HostTensor src = e.getValue();
            HostTensor dst = HostTensor.zeros(src.dtype(), src.shape().withDim(0, n));
            int rowBytes = (int) (src.shape().size() / total) * src.dtype().bytes();
            ByteBuffer s = src.buffer();
            ByteBuffer d = dst.buffer();
            for (int i = 0; i < n; i++) {
                d.put(i * rowBytes, s, idx[i] * rowBytes, rowBytes);
            }
            out.put(e.getKey(), dst);
        }
        return new Batch(out);
    }
}
