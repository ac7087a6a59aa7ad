package io.suffice.api.graph;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The operator definitions by ONNX operator type. {@link #standard()} collects the definitions each op family of
 * {@link Graph} declares next to its builders; {@link #with} adds operators defined elsewhere (the ONNX importer's
 * patch convolution). Every operator states a gradient rule or why it needs none; construction fails otherwise.
 * Immutable and thread-safe.
 */
public final class OperatorTable {
    private final Map<String, Operator> ops;

    private OperatorTable(Map<String, Operator> ops) {
        this.ops = Collections.unmodifiableMap(ops);
    }

    /** The definitions of every operator the graph builders emit or the importer converts. */
    public static OperatorTable standard() {
        List<Operator> all = new ArrayList<>();
        all.addAll(ElementwiseOps.OPERATORS);
        all.addAll(ReductionOps.OPERATORS);
        all.addAll(ShapeOps.OPERATORS);
        all.addAll(LinearOps.OPERATORS);
        all.addAll(NnOps.OPERATORS);
        return new OperatorTable(new TreeMap<>()).with(all);
    }

    /** This table plus {@code more} (which replace definitions of the same name). */
    public OperatorTable with(Collection<Operator> more) {
        Map<String, Operator> m = new TreeMap<>(ops);
        for (Operator o : more) {
            if (o.gradient() == null && o.noGradient() == null) {
                throw new IllegalArgumentException("operator " + o.opType() + " states neither a gradient rule nor "
                        + "why it needs none");
            }
            m.put(o.opType(), o);
        }
        return new OperatorTable(m);
    }

    /** The definition of {@code opType}, or null. */
    public Operator get(String opType) {
        return ops.get(opType);
    }

    /** All definitions, sorted by name. */
    public Collection<Operator> all() {
        return ops.values();
    }

    /** Names of the operators that have an import rule, sorted. */
    public List<String> importable() {
        return ops.values().stream().filter(o -> o.importRule() != null).map(Operator::opType).toList();
    }
}
