package io.suffice.runtime.train;

/**
 * Ends a task run by {@code suffice export} once the training core has written the exports of the restored
 * checkpoint: nothing after training (evaluations) needs to run.
 */
public final class ExportFinished extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final long step;

    ExportFinished(long step) {
        super("exported the model at step " + step, null, false, false);
        this.step = step;
    }

    /** The step of the exported checkpoint. */
    public long step() {
        return step;
    }
}
