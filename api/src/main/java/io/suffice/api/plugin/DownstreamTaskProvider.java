package io.suffice.api.plugin;

import io.suffice.api.task.DownstreamTask;

/**
 * Service interface for what representations are for: classification, probing, generative tasks. A run's
 * {@code task} names one of these; the task is the job the run executes.
 */
public interface DownstreamTaskProvider extends PluginProvider<DownstreamTask> {
}
