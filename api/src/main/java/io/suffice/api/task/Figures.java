package io.suffice.api.task;

import java.util.Map;

/**
 * Figures a task draws into its run folder beside the metrics (for example zero-shot risk against the prompt count),
 * so that a result can be looked at, not only read. The runtime renders PNG files (written atomically); a context
 * without a renderer ignores the calls ({@link #NONE}). Calls come from the task's thread; implementations need not be
 * thread-safe.
 */
public interface Figures {

    /** Draws nothing (test contexts, headless tools). */
    Figures NONE = (name, title, xLabel, yLabel, series) -> {
    };

    /**
     * A line chart {@code <name>.png} in the run folder, one curve per entry of {@code series} in its iteration
     * order, with a legend; an axis is logarithmic when its values are positive and span more than two decades.
     *
     * @param name   file name without extension (letters, digits, {@code . _ -})
     * @param series curve label to {@code {x[], y[]}} of equal length; non-finite points are skipped
     * @throws IllegalArgumentException for a bad name or mismatched x and y lengths
     */
    void lineChart(String name, String title, String xLabel, String yLabel, Map<String, double[][]> series);
}
