package io.suffice.runtime.bench;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.plugin.PluginRegistry;
import io.suffice.runtime.run.ExperimentRunner;
import io.suffice.runtime.run.RuntimeModule;
import io.suffice.runtime.train.BenchFinished;
import io.suffice.runtime.train.RunIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.InputStream;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.ToDoubleFunction;

/**
 * {@code suffice bench [workload...]}: times the reference workloads of {@code /work/shared/bench/WORKLOADS.md} and
 * prints one line per workload ({@code workload=... step_ms=... steps_per_s=... gflops=... peak_rss_mb=...}) or,
 * with {@code --format csv}, CSV with a header. The task workloads are the shipped tasks' own configs (embedded
 * resources {@code bench/<workload>.yaml}) run through the normal run machinery with the training core in bench
 * mode: what is timed is the core's loop iteration a user's run executes (batch, compiled step, optimizer update,
 * metrics), never a re-implementation. {@code matmul} is the single-MatMul ceiling. Compare against the PyTorch peer
 * scripts run side by side; quote ratios, not absolute times. Peak memory is the process's: run one workload per
 * invocation to read it per workload.
 */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Time the shipped training steps on the reference workloads (see /work/shared/bench/WORKLOADS.md).")
public final class BenchCommand implements Callable<Integer> {

    /**
     * A workload: its config resource (null for the matmul ceiling), its timed and warm-up steps, and the model's
     * matrix FLOPs per step from the resolved config (the peer script's formula).
     */
    record Workload(String name, String resource, int steps, int warmup, ToDoubleFunction<ConfigTree> flops) {
    }

    /** Workloads, in the order they run by default. */
    static final List<Workload> WORKLOADS = List.of(
            new Workload("matmul", null, 50, 5, t -> 2.0 * 1024 * 1024 * 1024),
            new Workload("two-layer-gd-tiny", "two-layer-gd-tiny.yaml", 2000, 5, BenchCommand::twoLayerFlops),
            new Workload("two-layer-gd-large", "two-layer-gd-large.yaml", 50, 5, BenchCommand::twoLayerFlops),
            new Workload("clip-step-cpu", "clip-step-cpu.yaml", 20, 3, BenchCommand::clipFlops),
            new Workload("clip-step-paper", "clip-step-paper.yaml", 4, 3, BenchCommand::clipFlops));

    @Parameters(arity = "0..*", paramLabel = "WORKLOAD",
            description = "Workloads to run (default: all of ${COMPLETION-CANDIDATES}).",
            completionCandidates = Candidates.class)
    List<String> workloads = new ArrayList<>();

    @Option(names = "--format", description = "text or csv (default: ${DEFAULT-VALUE}).", defaultValue = "text")
    String format;

    @Option(names = "--device", description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}).",
            defaultValue = "cpu")
    String device;

    @Option(names = "--steps", description = "Timed steps (default: per workload, as the peer scripts).")
    Integer steps;

    @Option(names = "--warmup", description = "Untimed warm-up steps (default: per workload, at least 3 for the "
            + "transformer steps).")
    Integer warmup;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a key of the workload's config "
            + "(e.g. task.precision=float64)")
    List<String> overrides = new ArrayList<>();

    @Option(names = "--profile", paramLabel = "DIR", description = "Write ONNX Runtime's per-operator profile and "
            + "the optimised graph it ran into DIR/<workload>/ and print the top operators after the warm-up (the "
            + "profiler slows the step: time without it).")
    Path profile;

    @CommandLine.ParentCommand
    io.suffice.runtime.cli.PluginSource parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static final class Candidates extends ArrayList<String> {
        private static final long serialVersionUID = 1L;

        Candidates() {
            super(WORKLOADS.stream().map(Workload::name).toList());
        }
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<Workload> todo = new ArrayList<>();
        for (String w : workloads.isEmpty() ? new Candidates() : workloads) {
            todo.add(WORKLOADS.stream().filter(x -> x.name().equals(w)).findFirst().orElseThrow(() ->
                    new CommandLine.ParameterException(spec.commandLine(), "unknown workload '" + w
                            + "'; choices: " + new Candidates())));
        }
        if (!format.equals("text") && !format.equals("csv")) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--format must be text or csv");
        }
        if (format.equals("csv")) {
            out.println(BenchResult.csvHeader());
        }
        for (Workload w : todo) {
            int timed = steps != null ? steps : w.steps();
            int warm = warmup != null ? warmup : w.warmup();
            BenchResult r = w.resource() == null ? matmul(warm, timed) : task(w, warm, timed);
            out.println(format.equals("csv") ? r.csv() : r.line());
            if (profile != null && w.resource() != null) {
                OperatorProfile p = OperatorProfile.read(profile.resolve(w.name()), warm);
                out.printf("ONNX Runtime profile of %s (%s), %d step runs after warm-up:%n%s", w.name(),
                        profile.resolve(w.name()), p.runs(), p.table(10));
            }
            out.flush();
        }
        return 0;
    }

    private BenchResult matmul(int warm, int timed) {
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withDevice(device))) {
            return Workloads.matmul(ex, 1024, warm, timed);
        }
    }

    private BenchResult task(Workload w, int warm, int timed) throws Exception {
        ConfigTree tree;
        try (InputStream in = BenchCommand.class.getResourceAsStream(w.resource())) {
            tree = ConfigTree.parse(in, "bench/" + w.resource());
        }
        for (String o : overrides) {
            tree = tree.withOverride(o);
        }
        tree = tree.with("task.steps", (long) warm + timed).with("run.device", device);
        PluginRegistry registry = parent.registry(null);
        RuntimeModule module = new RuntimeModule(registry);
        if (profile != null) {
            Path dir = Files.createDirectories(profile.resolve(w.name()));
            module.withProfiling(dir);
        }
        Injector injector = Guice.createInjector(module);
        ExperimentConfig config = injector.getInstance(ConfigResolver.class).resolve(tree, w.name());
        try {
            ExperimentRunner.detached(injector, config, null, null, RunIdentity.Mode.BENCH);
            throw new IllegalStateException("task '" + config.components().get("task").name()
                    + "' finished without training through the training core");
        } catch (BenchFinished done) {
            long[] nanos = done.nanos();
            long[] batch = done.batchNanos();
            double total = 0;
            double batchTotal = 0;
            for (int i = warm; i < nanos.length; i++) {
                total += nanos[i];
                batchTotal += batch[i];
            }
            double ms = total / 1e6 / timed;
            return new BenchResult(w.name(), ms, batchTotal / 1e6 / timed, w.flops().applyAsDouble(config.tree())
                    / (ms * 1e6), BenchResult.processPeakRssMb(), timed);
        }
    }

    /** {@code 4 n d m}: the forward {@code x W^T} and the weight gradient (peer_two_layer_gd.py). */
    static double twoLayerFlops(ConfigTree t) {
        return 4.0 * number(t, "dataset.n") * number(t, "dataset.dim") * number(t, "task.width");
    }

    /**
     * {@code 3 tokens L (24 d^2 + 4 T d)}, tokens = 2 towers x B K sequences x T = 81 leaves (peer_clip_step.py; the
     * task processes B K sequences per tower where the peer processes B (K + 1)).
     */
    static double clipFlops(ConfigTree t) {
        double d = number(t, "encoder.width");
        double seq = 81;
        double tokens = 2 * number(t, "task.batch") * number(t, "task.candidates") * seq;
        return 3 * tokens * number(t, "encoder.depth") * (24 * d * d + 4 * seq * d);
    }

    private static double number(ConfigTree t, String key) {
        return ((Number) t.get(key)).doubleValue();
    }
}
