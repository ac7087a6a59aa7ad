package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import io.suffice.api.plugin.ParameterSpec;

import java.util.ArrayList;
import java.util.List;

/** Converts YAML values to the Java types {@link io.suffice.api.plugin.ParameterType} promises, strictly. */
final class ParameterValues {
    private ParameterValues() {
    }

    /**
     * @param key   full config key, for messages, e.g. {@code optimizer.stepsize}
     * @param owner plugin description for messages, e.g. {@code optimizer 'gd'}
     */
    static Object convert(ParameterSpec spec, Object value, String key, String owner) {
        try {
            Object out = switch (spec.type()) {
                case INT -> toLong(value);
                case DOUBLE -> toDouble(value);
                case BOOLEAN -> toBoolean(value);
                case STRING -> toText(value);
                case DOUBLE_LIST -> list(value).stream().map(ParameterValues::toDouble).toList();
                case INT_LIST -> list(value).stream().map(ParameterValues::toLong).toList();
            };
            if (!spec.choices().isEmpty() && !spec.choices().contains(out)) {
                throw new ConfigException(key + " = " + value + ": not a valid value for " + owner + "; choices: "
                        + spec.choices());
            }
            if (spec.range() != null) {
                for (Object v : out instanceof List<?> l ? l : List.of(out)) {
                    if (!spec.range().contains(((Number) v).doubleValue())) {
                        throw new ConfigException(key + " = " + value + ": must be " + spec.range().describe()
                                + " for " + owner + " (" + spec.description() + ")");
                    }
                }
            }
            return out;
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + " = " + value + ": expected " + spec.type().label() + " for " + owner
                    + " (" + e.getMessage() + ")");
        }
    }

    private static long toLong(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b) {
            if (b.bitLength() > 63) {
                throw new IllegalArgumentException("an integer beyond the 64-bit range");
            }
            return b.longValue();
        }
        double d = toDouble(v);
        if (d != Math.rint(d) || Math.abs(d) > 9.0e15) {
            throw new IllegalArgumentException("not an integer");
        }
        return (long) d;
    }

    private static double toDouble(Object v) {
        if (v instanceof Number n) {
            return n.doubleValue();
        }
        if (v instanceof String s) {
            try {
                return Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a number");
            }
        }
        throw new IllegalArgumentException("got " + ConfigTree.typeName(v));
    }

    private static boolean toBoolean(Object v) {
        if (v instanceof Boolean b) {
            return b;
        }
        if ("true".equals(v) || "false".equals(v)) {
            return Boolean.parseBoolean((String) v);
        }
        throw new IllegalArgumentException("got " + ConfigTree.typeName(v) + ", use true or false");
    }

    private static String toText(Object v) {
        if (v instanceof String || v instanceof Number || v instanceof Boolean) {
            return String.valueOf(v);
        }
        throw new IllegalArgumentException("got " + ConfigTree.typeName(v));
    }

    private static List<Object> list(Object v) {
        if (v instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        if (v instanceof String s) {
            List<Object> out = new ArrayList<>();
            for (String part : s.split(",")) {
                out.add(part.trim());
            }
            return out;
        }
        if (v instanceof Number) {
            return List.of(v);
        }
        throw new IllegalArgumentException("got " + ConfigTree.typeName(v));
    }
}
