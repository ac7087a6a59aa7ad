package io.suffice.runtime.train;

/**
 * Ends a task run by {@code suffice bench} after the training core's last update: the wall-clock time of every
 * iteration of the loop (batch, step, update, metrics), as a user's run spends it. Evaluations are not run.
 */
public final class BenchFinished extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient long[] nanos;
    private final transient long[] batchNanos;

    BenchFinished(long[] nanos, long[] batchNanos) {
        super("benchmark finished after " + nanos.length + " steps", null, false, false);
        this.nanos = nanos;
        this.batchNanos = batchNanos;
    }

    /** Nanoseconds of each loop iteration (steps 0 .. steps-1), in order. */
    public long[] nanos() {
        return nanos.clone();
    }

    /** Of those, the nanoseconds spent drawing the batch ({@link io.suffice.api.train.BatchSource}). */
    public long[] batchNanos() {
        return batchNanos.clone();
    }
}
