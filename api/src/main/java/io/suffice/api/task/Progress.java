package io.suffice.api.task;

/**
 * A progress indicator for a long loop. The runtime's console implementation redraws at most a few times per second,
 * so calling {@link #update} every step is cheap. Close it when the loop ends.
 */
public interface Progress extends AutoCloseable {

    /**
     * @param done    units finished so far (out of the total given when the progress was created)
     * @param message short status, e.g. {@code "risk=0.031"}
     */
    void update(long done, String message);

    @Override
    void close();
}
