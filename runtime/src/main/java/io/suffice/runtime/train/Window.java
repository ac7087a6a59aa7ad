package io.suffice.runtime.train;

import java.util.Arrays;

/**
 * The last {@code capacity} values of a reported scalar, whose mean is the papers' "mean of the last 100 training
 * losses" (contrastive-jghm.md sec. 5; fresh data every step makes it a population estimate). Its {@link #state()}
 * goes into checkpoints, so a resumed run reports the same figure. Not thread-safe.
 */
final class Window {
    private final double[] ring;
    private long count;

    Window(int capacity) {
        this.ring = new double[capacity];
    }

    void add(double v) {
        ring[(int) (count % ring.length)] = v;
        count++;
    }

    /** Mean of the retained values; NaN when empty. */
    double mean() {
        int n = (int) Math.min(count, ring.length);
        if (n == 0) {
            return Double.NaN;
        }
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += ring[i];
        }
        return s / n;
    }

    /** {@code [count, ring...]}. */
    double[] state() {
        double[] s = new double[ring.length + 1];
        s[0] = count;
        System.arraycopy(ring, 0, s, 1, ring.length);
        return s;
    }

    void restore(double[] s) {
        if (s.length != ring.length + 1 || !(s[0] >= 0) || s[0] != Math.rint(s[0])) {
            throw new IllegalArgumentException("a window state of " + (ring.length + 1) + " values was expected, got "
                    + Arrays.toString(Arrays.copyOf(s, Math.min(4, s.length))) + (s.length > 4 ? "..." : ""));
        }
        count = (long) s[0];
        System.arraycopy(s, 1, ring, 0, ring.length);
    }
}
