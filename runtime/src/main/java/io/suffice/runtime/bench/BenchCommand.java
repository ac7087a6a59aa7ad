package io.suffice.runtime.bench;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.runtime.engine.OrtExecutor;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code suffice bench [workload...]}: times the engine on the reference workloads of
 * {@code /work/shared/bench/WORKLOADS.md} and prints one line per workload
 * ({@code workload=... step_ms=... steps_per_s=... gflops=...}) or, with {@code --format csv}, CSV with a header.
 * Compare against the PyTorch peer scripts run side by side; quote ratios, not absolute times.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the engine on the reference workloads (see /work/shared/bench/WORKLOADS.md).")
public final class BenchCommand implements Callable<Integer> {

    /** Workloads this engine can express, in the order they run by default. */
    public static final List<String> WORKLOADS = List.of("matmul", "two-layer-gd-tiny", "two-layer-gd-large",
            "clip-step-cpu", "clip-step-paper");

    @Parameters(arity = "0..*", paramLabel = "WORKLOAD",
            description = "Workloads to run (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = Candidates.class)
    List<String> workloads = new ArrayList<>();

    @Option(names = "--format", description = "text or csv (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    String format;

    @Option(names = "--threads", description = "ONNX Runtime intra-op threads (default: ${DEFAULT-VALUE}).",
            defaultValue = "2")
    int threads;

    @Option(names = "--device", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).",
            defaultValue = "cpu")
    String device;

    @Option(names = "--steps", description = "Timed steps (default: per workload, as the peer scripts).")
    Integer steps;

    @Option(names = "--warmup", description = "Untimed warm-up steps (default: 5).", defaultValue = "5")
    int warmup;

    @Option(names = "--update", description = "GD update: fused (inside the ONNX model) or host (Optimizer SPI, "
            + "in place on the parameter buffers). Default: ${DEFAULT-VALUE}.", defaultValue = "fused")
    String update;

    @Option(names = "--spin", description = "Let ONNX Runtime's idle threads spin (fastest on a quiet machine, "
            + "much slower on a shared one). Default: ${DEFAULT-VALUE}.", defaultValue = "false")
    boolean spin;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class Candidates extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Candidates() {
            super(WORKLOADS);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        List<String> todo = workloads.isEmpty() ? WORKLOADS : workloads;
        for (String w : todo) {
            if (!WORKLOADS.contains(w)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown workload '" + w
                        + "'; this engine runs " + WORKLOADS);
            }
        }
        if (!format.equals("text") && !format.equals("csv")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or csv");
        }
        if (!update.equals("fused") && !update.equals("host")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--update must be fused or host");
        }
        boolean fused = update.equals("fused");
        ExecutionConfig cfg = ExecutionConfig.defaults().withThreads(threads).withDevice(device)
                .withSpinWait(spin);
        if (format.equals("csv")) {
            out.println(BenchResult.csvHeader());
        }
        try (OrtExecutor ex = new OrtExecutor(cfg)) {
            for (String w : todo) {
                BenchResult r = switch (w) {
                    case "matmul" -> Workloads.matmul(ex, 1024, warmup, steps(50));
                    case "two-layer-gd-tiny" -> Workloads.twoLayerGd(ex, w, 256, 16, 64, 10, fused, warmup,
                            steps(2000));
                    case "two-layer-gd-large" -> Workloads.twoLayerGd(ex, w, 1024, 784, 1024, 10, fused, warmup,
                            steps(50));
                    case "clip-step-cpu" -> ClipStep.run(ex, w, new ClipStep.Spec(64, 2, 64, 4, 81, 10, 10),
                            Math.min(warmup, 3), steps(20));
                    case "clip-step-paper" -> ClipStep.run(ex, w, new ClipStep.Spec(128, 5, 128, 4, 81, 10, 10),
                            Math.min(warmup, 1), steps(2));
                    default -> throw new IllegalStateException(w);
                };
                out.println(format.equals("csv") ? r.csv() : r.line());
                out.flush();
            }
        }
        return 0;
    }

    private int steps(int dflt) {
        return steps == null ? dflt : steps;
    }

    /** Standalone entry point: {@code java -cp ... io.suffice.runtime.bench.BenchCommand [args]}. */
    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchCommand()).execute(args));
    }
}
