package io.suffice.runtime.config;

import java.nio.file.Path;

/**
 * Section {@code run} of an experiment config.
 *
 * @param name     run name; the run folder is {@code <output>/<name>-<timestamp>}
 * @param seed     seed every random generator of the run derives from
 * @param output   folder that receives run folders
 * @param plugins  folder scanned for plugin JARs
 * @param parallel sweep arms run at once (1 = one after the other)
 * @param device   where graphs run: {@code cpu}, {@code cuda} or {@code cuda:N} (CPU fallback with a warning)
 */
public record RunSettings(String name, long seed, Path output, Path plugins, int parallel,
                          String device) {
    public static final String DEFAULT_DEVICE = "cpu";

    /** Settings on the CPU. */
    public RunSettings(String name, long seed, Path output, Path plugins, int parallel) {
        this(name, seed, output, plugins, parallel, DEFAULT_DEVICE);
    }

    public static final String DEFAULT_PLUGINS = "plugins";
}
