package io.suffice.api.train;

import java.util.Optional;

/**
 * The training core a task hands its {@link TrainingPlan} to: it differentiates the objective, compiles one training
 * step for ONNX Runtime, runs the loop with the plan's optimizer, and owns everything every task would otherwise
 * write again: metrics rows and progress, the divergence stop, the last-100 windows, checkpoints
 * ({@code run.checkpoint-every}, one safetensors format), resume ({@code run.resume}), SIGTERM/SIGINT (checkpoint,
 * then stop) and export ({@code run.export}). Obtained from {@link io.suffice.api.task.RunContext#trainer()}.
 * <p>
 * Used by the task's thread only.
 */
public interface Trainer {

    /**
     * Trains the plan to its last step (or only restores it when the run resumes a checkpoint at that step) and
     * returns what it measured. The plan's store holds the trained parameters afterwards; the compiled step is
     * closed before this returns.
     *
     * @throws TrainingDivergedException at the first non-finite loss or metric, naming the step and the last finite
     *                                   values
     * @throws IllegalArgumentException  when the resumed checkpoint does not fit the plan (names the first
     *                                   mismatching tensor with both shapes)
     */
    TrainingResult fit(TrainingPlan plan);

    /**
     * The trained parameters stored in another run's checkpoint (e.g. a clip run's towers that a generative task
     * uses frozen), by parameter name.
     *
     * @param source a run folder (its {@code checkpoint.safetensors}) or a checkpoint file
     * @throws IllegalArgumentException one line naming the file and what is wrong with it (missing, empty,
     *                                  truncated, not a suffice checkpoint)
     */
    java.util.Map<String, io.suffice.api.tensor.HostTensor> parameters(java.nio.file.Path source);

    /** The checkpoint this run resumes from ({@code run.resume}), if any, read before the task builds its plan. */
    Optional<ResumePoint> resumePoint();
}
