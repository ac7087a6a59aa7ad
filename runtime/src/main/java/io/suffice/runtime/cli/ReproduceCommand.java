package io.suffice.runtime.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.RunSettings;
import io.suffice.runtime.reproduce.Reproduction;
import io.suffice.runtime.reproduce.ReproductionRunner;
import io.suffice.runtime.reproduce.ReproductionRunner.FigureRun;
import io.suffice.runtime.reproduce.Reproductions;
import io.suffice.runtime.reproduce.Scale;
import io.suffice.runtime.reproduce.Verdict;
import io.suffice.runtime.run.ExperimentLauncher;
import io.suffice.runtime.run.RuntimeModule;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code suffice reproduce}: lists the papers' figures this project reproduces, or runs some of them through the
 * normal launcher and writes one folder with their figures, {@code verdicts.csv} and {@code report.html} (see
 * {@link ReproductionRunner}). Exit status 0 when every figure ran (whatever the verdicts), 1 when a part failed,
 * 2 for usage errors.
 */
@Command(name = "reproduce", mixinStandardHelpOptions = true,
        description = "Reproduce the papers' figures with verdicts (holds / fails / inconclusive); --list shows them.")
final class ReproduceCommand implements Callable<Integer> {

    @Parameters(arity = "0..*", paramLabel = "ID", description = "figure ids (see --list)")
    List<String> ids = new ArrayList<>();

    @Option(names = "--list", description = "list every figure with its claim and estimated time per scale")
    boolean list;

    @Option(names = "--scale", paramLabel = "SCALE", defaultValue = "laptop",
            description = "laptop (2 CPU cores, minutes) or paper (the paper's sizes; a GPU or a cluster)")
    String scale;

    @Option(names = "--out", paramLabel = "DIR",
            description = "output folder (default: runs/reproduce-<scale>-<timestamp>)")
    Path out;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "override a config key in every part, e.g. --set task.steps=600 (repeatable)")
    List<String> overrides = new ArrayList<>();

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter o = spec.commandLine().getOut();
        if (list) {
            printList(o);
            return 0;
        }
        if (ids.isEmpty()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "name at least one figure id, or --list");
        }
        Scale s;
        List<Reproduction> figures = new ArrayList<>();
        try {
            s = Scale.of(scale);
            for (String id : ids) {
                figures.add(Reproductions.of(id));
            }
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
        Path folder = out != null ? out : Path.of("runs", "reproduce-" + s.label() + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Path pluginsDir = parent.pluginsDir != null ? parent.pluginsDir : Path.of(RunSettings.DEFAULT_PLUGINS);
        var registry = parent.registry(pluginsDir);
        Injector injector = Guice.createInjector(new RuntimeModule(registry, parent.stop));
        ReproductionRunner runner = new ReproductionRunner(registry, injector.getInstance(ConfigResolver.class),
                injector.getInstance(ExperimentLauncher.class), spec.commandLine().getErr()::println);
        List<FigureRun> runs = runner.run(figures, s, folder, overrides,
                Map.of("run.plugins", pluginsDir.toString()));
        o.println("reproduction folder: " + folder);
        for (FigureRun r : runs) {
            o.println(String.format(Locale.ROOT, "%s (%.0f s):", r.figure().id(), r.wallSeconds()));
            for (Verdict v : r.verdicts()) {
                o.println("  " + v.verdict().label() + "  " + v.figure() + ": " + v.measured());
            }
        }
        o.println("verdicts: " + folder.resolve("verdicts.csv") + "; report: " + folder.resolve("report.html"));
        return runs.stream().allMatch(FigureRun::complete) ? 0 : 1;
    }

    private static void printList(PrintWriter o) {
        o.println(String.format(Locale.ROOT, "%-13s %8s %8s  %s", "id", "laptop", "paper", "claim"));
        for (Reproduction r : Reproductions.all()) {
            o.println(String.format(Locale.ROOT, "%-13s %8s %8s  %s", r.id(), minutes(r.estimatedMinutes(Scale.LAPTOP)),
                    minutes(r.estimatedMinutes(Scale.PAPER)), r.claim()));
        }
        o.println("laptop: estimated on 2 free CPU cores; paper: on one GPU. Sources and rules: "
                + "docs/REPRODUCTION.md.");
    }

    private static String minutes(double m) {
        return m >= 120 ? String.format(Locale.ROOT, "%.0f h", m / 60) : String.format(Locale.ROOT, "%.0f min", m);
    }
}
