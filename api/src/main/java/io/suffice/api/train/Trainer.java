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

    /** The checkpoint this run resumes from ({@code run.resume}), if any, read before the task builds its plan. */
    Optional<ResumePoint> resumePoint();
}
