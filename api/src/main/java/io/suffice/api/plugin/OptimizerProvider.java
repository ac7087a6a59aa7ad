package io.suffice.api.plugin;

import io.suffice.api.optim.Optimizer;

/** Service interface for optimizers: update rules applied to a model's parameters given their gradients. */
public interface OptimizerProvider extends PluginProvider<Optimizer> {
}
