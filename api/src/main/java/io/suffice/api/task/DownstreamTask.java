package io.suffice.api.task;

/**
 * A job a run executes: train and/or evaluate, writing metrics through the context. Created per run; not shared
 * between threads.
 */
public interface DownstreamTask {

    /**
     * Runs the task to completion.
     *
     * @return the summary figures of the run (written to {@code summary.json} by the runtime)
     * @throws Exception a failure; the runtime reports it, exits with status 1 and keeps what was written so far
     */
    TaskResult run(RunContext context) throws Exception;
}
