package io.suffice.api.graph;

import java.util.List;

/**
 * The vector-Jacobian product of one operator, emitted as more graph nodes. Given the gradients of the loss with
 * respect to a node's outputs, returns the gradients with respect to its inputs. Implementations must undo
 * broadcasting (see {@link Gradients#unbroadcast}) so that every returned gradient has its input's shape. Stateless.
 * The rules of the built-in operators are declared with the operators themselves ({@link Operator}); the runtime's
 * {@code GradientRegistry} collects them and takes rules for custom operators.
 */
@FunctionalInterface
public interface GradientRule {

    /**
     * @param g        the graph to emit backward nodes into (the node's own graph)
     * @param node     the forward node
     * @param outGrads gradient per output of {@code node} (null where no gradient reaches that output)
     * @param needed   which inputs need a gradient; rules may skip work for the others
     * @return one entry per input of {@code node}: its gradient, or null (not needed, or not differentiable)
     */
    List<Value> backward(Graph g, Node node, List<Value> outGrads, boolean[] needed);
}
