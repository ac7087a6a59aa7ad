package io.suffice.runtime.engine;

import io.suffice.api.graph.GradientRule;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Operator;
import io.suffice.api.graph.OperatorTable;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Gradient rules by ONNX operator type. {@link #standard()} holds the rule of every operator in
 * {@link OperatorTable#standard()} (each declared next to its {@link Graph} builder); custom operators add theirs
 * with {@link #register}. An instance (never a global) is handed to {@link Autodiff}. Thread-safe.
 */
public final class GradientRegistry {
    private final Map<String, GradientRule> rules = new ConcurrentHashMap<>();

    /** An empty registry. */
    public GradientRegistry() {
    }

    /** The rule for {@code opType}, or null. */
    public GradientRule rule(String opType) {
        return rules.get(opType);
    }

    /** Adds or replaces the rule of {@code opType}; returns this for chaining. */
    public GradientRegistry register(String opType, GradientRule rule) {
        rules.put(opType, rule);
        return this;
    }

    /** A registry with the rules of the operators in {@code table}. */
    public static GradientRegistry of(OperatorTable table) {
        GradientRegistry r = new GradientRegistry();
        for (Operator o : table.all()) {
            if (o.gradient() != null) {
                r.register(o.opType(), o.gradient());
            }
        }
        return r;
    }

    /** A registry with the built-in rules. */
    public static GradientRegistry standard() {
        return of(OperatorTable.standard());
    }
}
