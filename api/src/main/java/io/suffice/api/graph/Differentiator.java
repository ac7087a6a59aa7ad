package io.suffice.api.graph;

import java.util.List;

/**
 * Reverse-mode differentiation of a scalar graph value, as a plugin sees it: the runtime implements it with its
 * autodiff, which appends the backward pass to the same {@link Graph}. A task compiles the loss together with the
 * returned gradients through an {@link Executor} to get one training-step model.
 */
@FunctionalInterface
public interface Differentiator {

    /**
     * Gradients of {@code loss} (a scalar) with respect to {@code wrt}, in the same order, each of the shape of its
     * parameter; a parameter the loss does not depend on gets a zero gradient.
     */
    List<Value> gradients(Value loss, List<Value> wrt);
}
