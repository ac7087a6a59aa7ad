package io.suffice.api.train;

import io.suffice.api.tensor.HostTensor;

import java.util.Map;

/**
 * The checkpoint a run resumes from ({@code run.resume}), as a task sees it before it builds its plan: the step it
 * holds and the tensors the previous run {@linkplain TrainingPlan#carried() carried} (e.g. a frozen tower trained
 * in the task), so the task can rebuild exactly what it trained with. Parameters and optimizer state are restored
 * by the core itself. Immutable.
 *
 * @param step    completed updates in the checkpoint
 * @param carried the carried tensors by name
 */
public record ResumePoint(long step, Map<String, HostTensor> carried) {
    public ResumePoint {
        carried = Map.copyOf(carried);
    }
}
