package io.suffice.downstream.generative;

import java.util.Arrays;

/**
 * The last {@code capacity} training losses, whose mean is the paper's reported risk ("mean of the last 100
 * training-step losses", contrastive-jghm.md sec. 5; fresh data every step makes it a population estimate).
 * Its {@link #state()} goes into a checkpoint, so a resumed run reports the same figure.
 */
public final class LossWindow {
    private final double[] ring;
    private long count;

    public LossWindow(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be >= 1");
        }
        this.ring = new double[capacity];
    }

    public void add(double loss) {
        ring[(int) (count % ring.length)] = loss;
        count++;
    }

    /** Mean of the retained losses (the last min(count, capacity)); NaN when empty. */
    public double mean() {
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

    /** Losses added so far. */
    public long count() {
        return count;
    }

    /** {@code [count, ring...]}: everything {@link #restore} needs. */
    public double[] state() {
        double[] s = new double[ring.length + 1];
        s[0] = count;
        System.arraycopy(ring, 0, s, 1, ring.length);
        return s;
    }

    /** A window equal to the one whose {@link #state()} this is. */
    public static LossWindow restore(double[] state) {
        if (state.length < 2 || !(state[0] >= 0) || state[0] != Math.rint(state[0])) {
            throw new IllegalArgumentException("not a loss window state: " + Arrays.toString(
                    Arrays.copyOf(state, Math.min(state.length, 4))));
        }
        LossWindow w = new LossWindow(state.length - 1);
        System.arraycopy(state, 1, w.ring, 0, w.ring.length);
        w.count = (long) state[0];
        return w;
    }
}
