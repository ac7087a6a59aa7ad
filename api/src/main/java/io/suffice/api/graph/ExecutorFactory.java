package io.suffice.api.graph;

import java.util.ServiceLoader;

/**
 * Makes {@link Executor}s outside a run, for plugin-contributed commands that have no
 * {@link io.suffice.api.task.RunContext} (e.g. {@code suffice zero-shot}). The runtime registers its implementation
 * with {@link ServiceLoader}; within a run use {@code RunContext.executor()} instead. Implementations are stateless
 * and thread-safe.
 */
public interface ExecutorFactory {

    /** A new executor; the caller closes it. */
    Executor open(ExecutionConfig config);

    /** The runtime's automatic differentiation, for commands that differentiate imported graphs. */
    default Differentiator differentiator() {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " offers no differentiator");
    }

    /**
     * The first factory visible to {@code loader} (the runtime's).
     *
     * @throws IllegalStateException when no runtime is on the class path
     */
    static ExecutorFactory find(ClassLoader loader) {
        return ServiceLoader.load(ExecutorFactory.class, loader).findFirst().orElseThrow(() ->
                new IllegalStateException("no " + ExecutorFactory.class.getName()
                        + " on the class path: the suffice runtime is missing"));
    }
}
