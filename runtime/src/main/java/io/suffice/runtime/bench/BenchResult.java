package io.suffice.runtime.bench;

import java.util.Locale;

/**
 * One benchmark measurement, in the fields of the peer scripts ({@code /work/shared/bench}). Immutable.
 *
 * @param workload  workload name from {@code WORKLOADS.md}
 * @param stepMs    mean wall-clock milliseconds per step after warm-up (for the task workloads: the training core's
 *                  whole iteration: batch, step, update, metrics)
 * @param batchMs   of that, milliseconds drawing the batch (0 for the matmul ceiling)
 * @param gflops    achieved GFLOP/s counting the model's matrix FLOPs only (same formula as the peer script)
 * @param peakRssMb the process's peak resident memory so far (VmHWM), in MiB
 * @param steps     number of timed steps
 */
public record BenchResult(String workload, double stepMs, double batchMs, double gflops, double peakRssMb,
                          int steps) {

    public double stepsPerS() {
        return 1000 / stepMs;
    }

    /** The one-line text form: {@code workload=... step_ms=... steps_per_s=... gflops=... peak_rss_mb=...}. */
    public String line() {
        return String.format(Locale.ROOT, "workload=%s step_ms=%.3f batch_ms=%.3f steps_per_s=%.2f gflops=%.1f "
                + "peak_rss_mb=%.0f steps=%d", workload, stepMs, batchMs, stepsPerS(), gflops, peakRssMb, steps);
    }

    public static String csvHeader() {
        return "workload,step_ms,batch_ms,steps_per_s,gflops,peak_rss_mb,steps";
    }

    public String csv() {
        return String.format(Locale.ROOT, "%s,%.4f,%.4f,%.3f,%.2f,%.0f,%d", workload, stepMs, batchMs, stepsPerS(),
                gflops, peakRssMb, steps);
    }

    /** The peak resident memory of this process in MiB ({@code VmHWM} of /proc/self/status; NaN elsewhere). */
    static double processPeakRssMb() {
        try {
            for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
                }
            }
        } catch (java.io.IOException | NumberFormatException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
