package io.suffice.runtime.train;

import java.nio.file.Path;

/**
 * A run stopped on SIGTERM or SIGINT after the training core wrote a checkpoint at the current step. The launcher
 * records {@code status: interrupted}, and the CLI prints how to resume and exits with {@code 128 + signal}.
 */
public final class TrainingInterruptedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final transient StopSignal.Received signal;
    private final long step;
    private final transient Path checkpoint;

    public TrainingInterruptedException(StopSignal.Received signal, long step, Path checkpoint) {
        super("interrupted by SIG" + signal.name() + " at step " + step
                + (checkpoint == null ? "" : "; checkpoint " + checkpoint));
        this.signal = signal;
        this.step = step;
        this.checkpoint = checkpoint;
    }

    public StopSignal.Received signal() {
        return signal;
    }

    public long step() {
        return step;
    }

    /** The checkpoint written at {@link #step()}, or null (nothing trained yet, or an auxiliary run). */
    public Path checkpoint() {
        return checkpoint;
    }
}
