package io.suffice.api.graph;

import java.util.List;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * Everything suffice knows about one operator, declared once next to its {@link Graph} builder: how an ONNX node of
 * this type is imported (with its opset-dependent signature), how it is differentiated, or why it needs no rule.
 * The runtime's gradient registry, the ONNX importer's vetting and {@code suffice onnx inspect} all read these
 * definitions ({@link OperatorTable}), so adding an operator is one entry in the family file of its builder.
 * <pre>{@code
 * Operator.define("Tanh").imports(Operator.unary(Graph::tanh))
 *         .gradient(Gradients.unary((g, x, y, dy) -> g.mul(dy, g.sub(g.scalar(1, y.dtype()), g.mul(y, y)))))
 * }</pre>
 *
 * @param opType     ONNX operator name (default domain)
 * @param importRule builds an imported node, or null when the operator is not imported
 * @param gradient   the vector-Jacobian product, or null when {@code noGradient} says why none is needed
 * @param noGradient why the operator needs no rule (integer or boolean output, rebuilt from other operators), or null
 * @param check      static vetting of an imported node from its attributes and the opset alone (inputs are not yet
 *                   converted): the reason it cannot be imported, or null
 */
public record Operator(String opType, ImportRule importRule, GradientRule gradient, String noGradient,
                       Function<ImportedNode, String> check) {

    /** An operator with no import rule, no gradient and no checks yet. */
    public static Operator define(String opType) {
        return new Operator(opType, null, null, null, n -> null);
    }

    /** This operator, imported by {@code rule}. */
    public Operator imports(ImportRule rule) {
        return new Operator(opType, rule, gradient, noGradient, check);
    }

    /** This operator, differentiated by {@code rule}. */
    public Operator gradient(GradientRule rule) {
        return new Operator(opType, importRule, rule, null, check);
    }

    /** This operator, which needs no gradient rule for the stated reason. */
    public Operator noGradient(String why) {
        return new Operator(opType, importRule, null, why, check);
    }

    /** This operator, with a static import check (returns the reason a node cannot be imported, or null). */
    public Operator checks(Function<ImportedNode, String> vetting) {
        return new Operator(opType, importRule, gradient, noGradient, vetting);
    }

    /** Imports the node as {@code f(x)} of its first input. */
    public static ImportRule unary(BiFunction<Graph, Value, Value> f) {
        return (g, n) -> f.apply(g, n.in(0));
    }

    /** Imports the node as {@code f(a, b)} of its two inputs. */
    public static ImportRule binary(TriFunction f) {
        return (g, n) -> f.apply(g, n.in(0), n.in(1));
    }

    /** A builder of two operands, such as {@code Graph::add}. */
    @FunctionalInterface
    public interface TriFunction {
        /** {@code g.op(a, b)}. */
        Value apply(Graph g, Value a, Value b);
    }

    /** Fails with a one-line reason unless {@code ok}; for import rules. */
    static void require(boolean ok, String why) {
        if (!ok) {
            throw new IllegalArgumentException(why);
        }
    }

    /** Gradient list helper: {@code values} with nulls allowed. */
    static List<Value> grads(Value... values) {
        return java.util.Arrays.asList(values);
    }
}
