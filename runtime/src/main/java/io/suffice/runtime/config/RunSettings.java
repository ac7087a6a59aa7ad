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
 */
public record RunSettings(String name, long seed, Path output, Path plugins, int parallel) {
    public static final String DEFAULT_PLUGINS = "plugins";
}
