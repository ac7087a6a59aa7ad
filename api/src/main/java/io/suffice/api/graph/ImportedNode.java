package io.suffice.api.graph;

import io.suffice.api.tensor.HostTensor;

import java.util.List;
import java.util.Map;

/**
 * An ONNX node as an {@link ImportRule} sees it: operator, node name, the model's default-domain opset, the inputs as
 * values of the graph being built (null for omitted optional inputs; empty while the importer only vets the file)
 * and the attributes as {@code Long}, {@code Double}, {@code String}, {@code long[]}, {@code double[]} or
 * {@link HostTensor}.
 *
 * @param opType  ONNX operator name
 * @param name    node name in the file (may be empty)
 * @param opset   the model's ai.onnx opset
 * @param inputs  converted inputs in ONNX order
 * @param attrs   attributes by name
 * @param outputs how many outputs the file uses (names that are not empty)
 * @param partial what the importer knows at build time about the elements of a 1-D integer value computed at run
 *                time (a shape built from {@code Shape} of a symbolic input): the elements, {@link
 *                io.suffice.api.tensor.Shape#DYNAMIC} where unknown; null when it knows nothing
 */
public record ImportedNode(String opType, String name, long opset, List<Value> inputs, Map<String, Object> attrs,
                           int outputs, java.util.function.Function<Value, long[]> partial) {

    /**
     * The elements of the 1-D integer input {@code i} as far as they are known at build time: all of them for a
     * constant, {@link io.suffice.api.tensor.Shape#DYNAMIC} for those computed at run time.
     */
    public long[] knownInts(int i, String what) {
        Value v = in(i);
        if (v != null && v.kind() == Value.Kind.CONSTANT) {
            return ints(i, what);
        }
        long[] k = v == null || partial == null ? null : partial.apply(v);
        if (k != null) {
            return k.clone();
        }
        if (v == null || v.rank() != 1 || v.shape().dim(0) == io.suffice.api.tensor.Shape.DYNAMIC) {
            throw new IllegalArgumentException("its " + what + " operand " + v + " has a length known only at run "
                    + "time");
        }
        long[] d = new long[(int) v.shape().dim(0)];
        java.util.Arrays.fill(d, io.suffice.api.tensor.Shape.DYNAMIC);
        return d;
    }

    /** Input {@code i}, or null when omitted or absent. */
    public Value in(int i) {
        return i < inputs.size() ? inputs.get(i) : null;
    }

    /** An integer attribute, or {@code dflt} when absent. */
    public long attrLong(String key, long dflt) {
        Long v = attr(key, Long.class, "an integer");
        return v == null ? dflt : v;
    }

    /** A float attribute (an integer one is widened), or {@code dflt} when absent. */
    public double attrDouble(String key, double dflt) {
        Object o = attrs.get(key);
        return o instanceof Long l ? l : o == null ? dflt : attr(key, Double.class, "a float");
    }

    /** An integer-list attribute, or {@code dflt} when absent. */
    public long[] attrLongs(String key, long[] dflt) {
        long[] v = attr(key, long[].class, "a list of integers");
        return v == null ? dflt : v.clone();
    }

    /** A string attribute, or {@code dflt} when absent. */
    public String attrString(String key, String dflt) {
        String v = attr(key, String.class, "a string");
        return v == null ? dflt : v;
    }

    /**
     * Attribute {@code key} as {@code type}, or null when absent. A file can store any attribute type under any
     * name, so one of the wrong type is refused by name here instead of failing a cast in an import rule.
     */
    private <T> T attr(String key, Class<T> type, String what) {
        Object o = attrs.get(key);
        if (o == null || type.isInstance(o)) {
            return type.cast(o);
        }
        throw new IllegalArgumentException("attribute '" + key + "' must be " + what + ", the file gives "
                + kind(o));
    }

    private static String kind(Object o) {
        return o instanceof Long ? "an integer" : o instanceof Double ? "a float" : o instanceof String ? "a string"
                : o instanceof long[] ? "a list of integers" : o instanceof double[] ? "a list of floats"
                : o instanceof HostTensor ? "a tensor" : o.getClass().getSimpleName();
    }

    /**
     * An integer operand whose place moved from an attribute to an input in some opset (Unsqueeze's axes at 13,
     * Slice's starts at 10, ...): from input {@code input} when {@code opset >= sinceOpset}, else from attribute
     * {@code key}; null when absent in both.
     */
    public long[] operandOrAttribute(int input, String key, long sinceOpset) {
        if (opset >= sinceOpset) {
            Value v = in(input);
            return v == null ? null : ints(input, key);
        }
        return attrLongs(key, null);
    }

    /** The data of constant integer input {@code i} ({@code what} names it in errors). */
    public long[] ints(int i, String what) {
        Value v = in(i);
        if (v == null || v.kind() != Value.Kind.CONSTANT) {
            throw new IllegalArgumentException("its " + what + " operand " + v + " is computed at run time; "
                    + "this form of " + opType + " needs it to be a constant");
        }
        return longsOf(v.data(), what);
    }

    /** The single element of constant float or integer input {@code i}. */
    public double scalar(int i, String what) {
        Value v = in(i);
        if (v == null || v.kind() != Value.Kind.CONSTANT || v.data().size() != 1) {
            throw new IllegalArgumentException("its " + what + " operand must be a constant scalar, got " + v);
        }
        return v.data().toDoubleArray()[0];
    }

    /** The elements of an integer or boolean tensor as longs. */
    public static long[] longsOf(HostTensor t, String what) {
        long[] a = new long[t.size()];
        switch (t.dtype()) {
            case INT64 -> t.longs().get(a);
            case INT32 -> {
                var b = t.buffer().asIntBuffer();
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get(i);
                }
            }
            case BOOL -> {
                var b = t.buffer();
                for (int i = 0; i < a.length; i++) {
                    a[i] = b.get(i);
                }
            }
            default -> throw new IllegalArgumentException("its " + what + " operand is " + t.dtype()
                    + ", not an integer tensor");
        }
        return a;
    }
}
