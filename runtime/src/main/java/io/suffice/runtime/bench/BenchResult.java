package io.suffice.runtime.bench;

/**
 * One benchmark measurement. Immutable.
 *
 * @param workload  workload name from {@code /work/shared/bench/WORKLOADS.md}
 * @param stepMs    mean wall-clock milliseconds per step after warm-up
 * @param stepsPerS steps per second ({@code 1000 / stepMs})
 * @param gflops    achieved GFLOP/s counting the model's matrix FLOPs only (same formula as the peer script)
 * @param steps     number of timed steps
 */
public record BenchResult(String workload, double stepMs, double stepsPerS, double gflops, int steps) {

    /** The one-line text form: {@code workload=... step_ms=... steps_per_s=... gflops=...}. */
    public String line() {
        return String.format(java.util.Locale.ROOT, "workload=%s step_ms=%.3f steps_per_s=%.1f gflops=%.1f",
                workload, stepMs, stepsPerS, gflops);
    }

    public static String csvHeader() {
        return "workload,step_ms,steps_per_s,gflops,steps";
    }

    public String csv() {
        return String.format(java.util.Locale.ROOT, "%s,%.4f,%.2f,%.2f,%d", workload, stepMs, stepsPerS, gflops,
                steps);
    }
}
