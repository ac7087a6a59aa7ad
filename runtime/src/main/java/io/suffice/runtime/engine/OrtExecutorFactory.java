package io.suffice.runtime.engine;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.ExecutorFactory;

/** The runtime's {@link ExecutorFactory}: one new {@link OrtExecutor} per call. Stateless. */
public final class OrtExecutorFactory implements ExecutorFactory {
    @Override
    public Executor open(ExecutionConfig config) {
        return new OrtExecutor(config);
    }

    @Override
    public io.suffice.api.graph.Differentiator differentiator() {
        return Autodiff.standard();
    }
}
