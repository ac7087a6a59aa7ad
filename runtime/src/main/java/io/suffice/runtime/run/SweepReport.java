package io.suffice.runtime.run;

import io.suffice.api.io.AtomicFiles;

import io.suffice.runtime.config.SweepAxis;
import io.suffice.runtime.run.RunOutcome.ArmOutcome;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The table and figures of a sweep: {@code sweep.csv} (one row per arm: swept values, status, summary figures) and
 * the overlay plots of {@link MetricPlots#forSweep}, then the sweep's {@link ReportPage} (and one per arm).
 */
final class SweepReport {
    private SweepReport() {
    }

    static void write(RunOutcome outcome, List<SweepAxis> axes) {
        Set<String> figures = new LinkedHashSet<>();
        outcome.arms().forEach(a -> figures.addAll(a.summary().keySet()));
        List<String> header = new ArrayList<>(List.of("arm"));
        axes.forEach(a -> header.add(a.key()));
        header.add("status");
        header.addAll(figures);
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (ArmOutcome arm : outcome.arms()) {
            List<String> row = new ArrayList<>();
            row.add(arm.label());
            axes.forEach(a -> row.add(csv(String.valueOf(arm.values().get(a.key())))));
            row.add(arm.error() == null ? "ok" : "failed");
            for (String f : figures) {
                Double v = arm.summary().get(f);
                row.add(v == null ? "" : CsvMetricsSink.format(v));
            }
            sb.append(String.join(",", row)).append('\n');
        }
        AtomicFiles.writeString(outcome.folder().resolve("sweep.csv"), sb.toString());
        MetricPlots.forSweep(outcome, axes);
        ReportPage.forRun(outcome.folder());
    }

    private static String csv(String s) {
        return s.contains(",") || s.contains("\"") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
