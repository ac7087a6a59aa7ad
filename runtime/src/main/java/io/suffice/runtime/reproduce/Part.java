package io.suffice.runtime.reproduce;

import io.suffice.runtime.config.ConfigTree;

import java.util.Map;
import java.util.function.Function;

/**
 * One experiment of a {@link Reproduction}: a config tree (with a sweep, typically), launched like
 * {@code suffice run}, and the keys it takes from earlier parts' results (e.g. {@code run.resume} of a shift
 * evaluation: the training part's folder).
 *
 * @param name        the part's name within its figure ({@code xor}, {@code train}); the run folder is
 *                    {@code <figure>-<name>-<timestamp>}
 * @param config      the experiment
 * @param fromEarlier keys to set from the earlier parts' results, applied before the user's {@code --set}
 */
public record Part(String name, ConfigTree config, Function<Results, Map<String, Object>> fromEarlier) {
    /** A part that needs nothing from earlier parts. */
    public Part(String name, ConfigTree config) {
        this(name, config, r -> Map.of());
    }
}
