/**
 * The training core's contract: a task describes what is its own in a {@link io.suffice.api.train.TrainingPlan}
 * (graph, objective, reported values, batches as a function of the step, optimizer, exports) and hands it to the
 * runtime's {@link io.suffice.api.train.Trainer}, which owns the loop, metrics, checkpoints, resume, signals and
 * export for every task alike (ARCHITECTURE.md, "One training core").
 */
package io.suffice.api.train;
