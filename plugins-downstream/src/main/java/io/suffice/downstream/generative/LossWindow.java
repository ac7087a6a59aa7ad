package io.suffice.downstream.generative;

/**
 * The last {@code capacity} training losses, whose mean is the paper's reported risk ("mean of the last 100
 * training-step losses", contrastive-jghm.md sec. 5; fresh data every step makes it a population estimate).
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
}
