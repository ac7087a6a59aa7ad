package io.suffice.api.task;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Summary figures of a finished task, e.g. {@code final_risk} or {@code zero_shot_accuracy}, in insertion order.
 *
 * @param summary metric name to value; NaN is allowed and means "not defined for this run"
 */
public record TaskResult(Map<String, Double> summary) {
    public TaskResult {
        summary = Collections.unmodifiableMap(new LinkedHashMap<>(summary));
    }
}
