package io.suffice.api.graph;

import java.nio.file.Path;
import java.util.Locale;

/**
 * How an {@link Executor} runs graphs. Immutable.
 *
 * @param device         {@code cpu}, {@code cuda} or {@code cuda:N} (N = device ordinal)
 * @param intraOpThreads threads inside one operator (0 = ONNX Runtime's default)
 * @param interOpThreads threads across independent operators (0 = default; 1 = sequential execution)
 * @param optLevel       graph optimisation level applied when a session is compiled
 * @param cpuFallback    when the CUDA provider cannot load: true = warn and run on the CPU, false = fail
 * @param checkFinite    check every floating-point input for NaN/Inf before each run (costs a pass over the data)
 * @param spinWait       let idle intra-op threads spin instead of sleeping: lowest latency on a quiet machine, but
 *                       several times slower per step when cores are shared (other processes, several sessions)
 * @param profileDir     when not null, every session writes the runtime's per-operator profile (JSON) and the graph it
 *                       actually ran after its own optimisations (ONNX) into this existing folder; null = off
 */
public record ExecutionConfig(String device, int intraOpThreads, int interOpThreads, OptLevel optLevel,
                              boolean cpuFallback, boolean checkFinite, boolean spinWait, Path profileDir) {

    /** ONNX Runtime graph optimisation levels. */
    public enum OptLevel { NONE, BASIC, EXTENDED, ALL }

    public ExecutionConfig {
        device = device.toLowerCase(Locale.ROOT).trim();
        if (!device.equals("cpu") && !device.matches("cuda(:\\d+)?")) {
            throw new IllegalArgumentException("device must be cpu, cuda or cuda:N, got '" + device + "'");
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0");
        }
    }

    /**
     * CPU, 2 intra-op threads, sequential operators, all optimisations, CPU fallback, no finite check, no spinning.
     */
    public static ExecutionConfig defaults() {
        return new ExecutionConfig("cpu", 2, 1, OptLevel.ALL, true, false, false, null);
    }

    public ExecutionConfig withDevice(String d) {
        return new ExecutionConfig(d, intraOpThreads, interOpThreads, optLevel, cpuFallback, checkFinite, spinWait,
                profileDir);
    }

    public ExecutionConfig withThreads(int intra) {
        return new ExecutionConfig(device, intra, interOpThreads, optLevel, cpuFallback, checkFinite, spinWait,
                profileDir);
    }

    public ExecutionConfig withCheckFinite(boolean check) {
        return new ExecutionConfig(device, intraOpThreads, interOpThreads, optLevel, cpuFallback, check, spinWait,
                profileDir);
    }

    public ExecutionConfig withCpuFallback(boolean fallback) {
        return new ExecutionConfig(device, intraOpThreads, interOpThreads, optLevel, fallback, checkFinite, spinWait,
                profileDir);
    }

    public ExecutionConfig withSpinWait(boolean spin) {
        return new ExecutionConfig(device, intraOpThreads, interOpThreads, optLevel, cpuFallback, checkFinite, spin,
                profileDir);
    }

    /** The same configuration with profiling into {@code dir} (null turns it off). */
    public ExecutionConfig withProfiling(Path dir) {
        return new ExecutionConfig(device, intraOpThreads, interOpThreads, optLevel, cpuFallback, checkFinite, spinWait,
                dir);
    }

    /** True for {@code cuda} and {@code cuda:N}. */
    public boolean isCuda() {
        return device.startsWith("cuda");
    }

    /** The CUDA device ordinal (0 for plain {@code cuda}). */
    public int cudaDevice() {
        int i = device.indexOf(':');
        return i < 0 ? 0 : Integer.parseInt(device.substring(i + 1));
    }
}
