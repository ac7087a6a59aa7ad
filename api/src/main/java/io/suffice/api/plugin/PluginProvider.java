package io.suffice.api.plugin;

import java.util.List;

/**
 * A factory discovered by {@link java.util.ServiceLoader}. Implementations must have a public no-argument
 * constructor that does no heavy work (discovery instantiates every provider, including ones never used), and must be
 * stateless and thread-safe: {@link #create} may be called many times, from several threads.
 *
 * @param <T> what the provider creates
 */
public interface PluginProvider<T> {

    /** Unique name within the plugin's kind, lower-case with dashes, e.g. {@code large-stepsize-gd}. */
    String name();

    /** One line saying what the plugin is, shown by {@code suffice plugins}. */
    String description();

    /**
     * The parameters {@link #create} reads, with types and defaults. The runtime rejects config keys not listed here
     * and values of the wrong type before {@code create} is called, so {@code create} may trust {@link PluginConfig}.
     */
    List<ParameterSpec> parameters();

    /**
     * Checks what the declared types and ranges cannot: rules that relate two parameters (heads must divide width).
     * The runtime calls it for every sweep arm when it resolves a config, before any run folder exists, and reports
     * the exception's message as a configuration error. Must be cheap (no files, no models). The default accepts.
     *
     * @throws IllegalArgumentException naming the parameter ({@link PluginConfig#invalid})
     */
    default void validate(PluginConfig config) {
    }

    /**
     * Builds a new instance. The config holds every declared parameter: the user's value or else the default.
     *
     * @throws IllegalArgumentException if a value is well-typed but invalid (message names the parameter)
     */
    T create(PluginConfig config);
}
