package io.suffice.api.plugin;

import java.util.List;
import java.util.Objects;

/**
 * One declared parameter of a plugin.
 *
 * @param name         key under the plugin's config section, e.g. {@code stepsize}
 * @param type         value type; the runtime converts and checks user values against it
 * @param defaultValue value used when the user gives none, already of the Java type {@code type} implies;
 *                     {@code null} means the parameter is required
 * @param description  one line for {@code suffice plugins}, with units where they matter
 * @param choices      allowed values for a {@link ParameterType#STRING} parameter; empty means any
 * @param range        allowed interval of a numeric parameter (every element of a list), checked when the config is
 *                     resolved, before anything runs; {@link Range#FINITE} for numbers when none is declared, null
 *                     for other types
 */
public record ParameterSpec(String name, ParameterType type, Object defaultValue, String description,
                            List<String> choices, Range range) {

    public ParameterSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(description, "description");
        choices = List.copyOf(choices);
        if (!choices.isEmpty() && defaultValue != null && !choices.contains(defaultValue)) {
            throw new IllegalArgumentException("default '" + defaultValue + "' of " + name + " is not among " + choices);
        }
        boolean numeric = type == ParameterType.INT || type == ParameterType.DOUBLE || type == ParameterType.INT_LIST
                || type == ParameterType.DOUBLE_LIST;
        if (range == null && numeric) {
            range = Range.FINITE;
        }
        if (range != null && !numeric) {
            throw new IllegalArgumentException(name + ": only numeric parameters have a range");
        }
        if (range != null && defaultValue != null) {
            for (Object v : defaultValue instanceof List<?> l ? l : List.of(defaultValue)) {
                if (!range.contains(((Number) v).doubleValue())) {
                    throw new IllegalArgumentException("default " + v + " of " + name + " is not " + range.describe());
                }
            }
        }
    }

    /** A parameter without a declared range (numbers: any finite value). */
    public ParameterSpec(String name, ParameterType type, Object defaultValue, String description,
                         List<String> choices) {
        this(name, type, defaultValue, description, choices, null);
    }

    /** This parameter restricted to {@code r}. */
    public ParameterSpec in(Range r) {
        return new ParameterSpec(name, type, defaultValue, description, choices, r);
    }

    /** This parameter restricted to values {@code >= min}. */
    public ParameterSpec atLeast(double min) {
        return in(Range.atLeast(min));
    }

    /** This parameter restricted to values {@code > 0}. */
    public ParameterSpec positive() {
        return in(Range.above(0));
    }

    /** This parameter restricted to values {@code >= 0}. */
    public ParameterSpec nonNegative() {
        return in(Range.atLeast(0));
    }

    public static ParameterSpec ofInt(String name, long defaultValue, String description) {
        return new ParameterSpec(name, ParameterType.INT, defaultValue, description, List.of());
    }

    public static ParameterSpec ofDouble(String name, double defaultValue, String description) {
        return new ParameterSpec(name, ParameterType.DOUBLE, defaultValue, description, List.of());
    }

    public static ParameterSpec ofBoolean(String name, boolean defaultValue, String description) {
        return new ParameterSpec(name, ParameterType.BOOLEAN, defaultValue, description, List.of());
    }

    public static ParameterSpec ofString(String name, String defaultValue, String description) {
        return new ParameterSpec(name, ParameterType.STRING, defaultValue, description, List.of());
    }

    /** A string parameter restricted to {@code choices}; the first choice is the default. */
    public static ParameterSpec ofChoice(String name, String description, String... choices) {
        return new ParameterSpec(name, ParameterType.STRING, choices[0], description, List.of(choices));
    }

    public static ParameterSpec ofDoubleList(String name, List<Double> defaultValue, String description) {
        return new ParameterSpec(name, ParameterType.DOUBLE_LIST, List.copyOf(defaultValue), description, List.of());
    }

    public static ParameterSpec ofIntList(String name, List<Long> defaultValue, String description) {
        return new ParameterSpec(name, ParameterType.INT_LIST, List.copyOf(defaultValue), description, List.of());
    }

    /** A parameter without default: the user must set it. */
    public static ParameterSpec required(String name, ParameterType type, String description) {
        return new ParameterSpec(name, type, null, description, List.of());
    }
}
