package io.suffice.api.plugin;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The resolved, type-checked parameters handed to {@link PluginProvider#create}: every declared parameter is present,
 * with the Java type its {@link ParameterType} promises. Immutable and thread-safe.
 *
 * @param kind   the plugin's kind
 * @param name   the plugin's name
 * @param values parameter name to value
 */
public record PluginConfig(PluginKind kind, String name, Map<String, Object> values) {

    public PluginConfig {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        values = java.util.Collections.unmodifiableMap(new TreeMap<>(values));
    }

    public long getLong(String key) {
        return get(key, Long.class);
    }

    /** The value of an {@link ParameterType#INT} parameter, which must fit an {@code int}. */
    public int getInt(String key) {
        long v = getLong(key);
        if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(where(key) + " = " + v + " does not fit a 32-bit integer");
        }
        return (int) v;
    }

    public double getDouble(String key) {
        return get(key, Double.class);
    }

    public boolean getBoolean(String key) {
        return get(key, Boolean.class);
    }

    public String getString(String key) {
        return get(key, String.class);
    }

    @SuppressWarnings("unchecked")
    public List<Double> getDoubleList(String key) {
        return get(key, List.class);
    }

    @SuppressWarnings("unchecked")
    public List<Long> getLongList(String key) {
        return get(key, List.class);
    }

    /** Builds an {@link IllegalArgumentException} naming this plugin's parameter, for use in {@code create}. */
    public IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException(where(key) + " = " + values.get(key) + ": " + why);
    }

    private String where(String key) {
        return kind.label() + " '" + name + "' parameter " + key;
    }

    private <V> V get(String key, Class<V> type) {
        Object v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(where(key) + " is not set (declared parameters: " + values.keySet() + ")");
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException(where(key) + " has type " + v.getClass().getSimpleName()
                    + ", not " + type.getSimpleName());
        }
        return type.cast(v);
    }
}
