package io.suffice.api.plugin;

import java.util.List;

/**
 * The value types a plugin parameter may have, with the Java type {@link PluginConfig} returns for each.
 * Conversions are strict: an integer parameter rejects {@code 1.5}, a boolean rejects {@code "yes"}.
 */
public enum ParameterType {
    /** {@link Long}; also accepted where the value fits an {@code int}. */
    INT("int"),
    /** {@link Double}; integers are widened. */
    DOUBLE("double"),
    /** {@link Boolean}: {@code true} or {@code false}. */
    BOOLEAN("boolean"),
    /** {@link String}. */
    STRING("string"),
    /** {@link List} of {@link Double}; a single number or a comma-separated string is also accepted. */
    DOUBLE_LIST("double-list"),
    /** {@link List} of {@link Long}; a single integer or a comma-separated string is also accepted. */
    INT_LIST("int-list");

    private final String label;

    ParameterType(String label) {
        this.label = label;
    }

    /** Name shown to users, e.g. {@code double-list}. */
    public String label() {
        return label;
    }
}
