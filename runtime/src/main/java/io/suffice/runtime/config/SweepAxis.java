package io.suffice.runtime.config;

import io.suffice.runtime.ConfigException;
import java.util.List;

/**
 * One swept key: every value in {@code values} is substituted at {@code key}; several axes form a grid.
 *
 * @param key    dotted config key, e.g. {@code optimizer.stepsize}
 * @param values the values, in order
 */
public record SweepAxis(String key, List<Object> values) {
    public SweepAxis {
        values = List.copyOf(values);
        if (values.isEmpty()) {
            throw new ConfigException("sweep." + key + " has no values");
        }
    }
}
