package io.suffice.runtime.plugin;

/**
 * A plugin source that could not be loaded and was skipped.
 *
 * @param source the JAR (or class-path entry) at fault
 * @param cause  what went wrong, e.g. {@code provider com.acme.Foo not found}
 */
public record PluginLoadProblem(String source, String cause) {
    @Override
    public String toString() {
        return source + ": " + cause;
    }
}
