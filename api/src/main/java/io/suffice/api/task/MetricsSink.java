package io.suffice.api.task;

import java.util.Map;

/**
 * Where a run's time series go. The runtime's implementation appends rows to {@code metrics.csv} in the run folder
 * (columns fixed by the first row; later rows may not add names) and flushes regularly so a crashed run keeps what
 * it logged. Implementations are thread-safe.
 */
public interface MetricsSink {

    /**
     * Records one row.
     *
     * @param step   iteration index the values belong to
     * @param values metric name to value, in a stable order
     */
    void log(long step, Map<String, Double> values);
}
