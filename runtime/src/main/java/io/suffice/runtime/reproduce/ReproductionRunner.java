package io.suffice.runtime.reproduce;

import io.suffice.api.io.AtomicFiles;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.CommandLineOverrides;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.plugin.PluginRegistry;
import io.suffice.runtime.run.ExperimentLauncher;
import io.suffice.runtime.run.ReportPage;
import io.suffice.runtime.run.RunOutcome;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs reproductions into one folder: for each figure, its parts through the normal launcher (the user's
 * {@code --set} applied to every part, after the scale's settings), each part's run folder under
 * {@code <out>/<figure>/} (named {@code <figure>-<part>-<timestamp>}); then the figure's rule judges the results and draws its panels into
 * {@code <out>/<figure>/}. Writes {@code <out>/verdicts.csv} (all figures), {@code <out>/timings.csv} (wall time per
 * figure) and {@code <out>/report.html}. A figure whose part cannot be configured or fails gets verdicts
 * {@code inconclusive} saying why; the other figures go on.
 */
public final class ReproductionRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ReproductionRunner.class);

    private final PluginRegistry registry;
    private final ConfigResolver resolver;
    private final ExperimentLauncher launcher;
    private final Consumer<String> warn;

    /**
     * @param registry the plugins (to check the user's overrides)
     * @param resolver resolves each part's config
     * @param launcher launches each part
     * @param warn     where notes about overrides go
     */
    public ReproductionRunner(PluginRegistry registry, ConfigResolver resolver, ExperimentLauncher launcher,
                              Consumer<String> warn) {
        this.registry = registry;
        this.resolver = resolver;
        this.launcher = launcher;
        this.warn = warn;
    }

    /**
     * What one figure produced.
     *
     * @param complete whether every part ran and every arm finished
     */
    public record FigureRun(Reproduction figure, List<Verdict> verdicts, double wallSeconds, Path folder,
                            boolean complete) {
    }

    /**
     * @param figures   the figures, in order
     * @param scale     their size
     * @param out       the output folder (created)
     * @param overrides the user's {@code --set} assignments, applied to every part
     * @param extra     settings applied to every part before the overrides ({@code run.plugins})
     */
    public List<FigureRun> run(List<Reproduction> figures, Scale scale, Path out, List<String> overrides,
                               Map<String, Object> extra) {
        if (overrides.stream().anyMatch(o -> o.replace(" ", "").equals("run.executor=slurm"))) {
            // the verdicts need every part's results in this process; a submitted sweep returns before it has any
            throw new ConfigException("run.executor = slurm: reproduce runs its parts in this process; submit a "
                    + "part's config with suffice run --set run.executor=slurm instead (docs/REPRODUCTION.md)");
        }
        try {
            Files.createDirectories(out);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
        List<FigureRun> runs = new ArrayList<>();
        for (Reproduction figure : figures) {
            long start = System.nanoTime();
            Path dir = out.resolve(figure.id());
            Results results = new Results();
            try {
                Files.createDirectories(dir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + dir, e);
            }
            List<Part> parts = figure.parts(scale);
            for (Part part : parts) {
                ConfigTree tree = part.config();
                try {
                    for (Map.Entry<String, Object> e : extra.entrySet()) {
                        tree = tree.with(e.getKey(), e.getValue());
                    }
                    for (Map.Entry<String, Object> e : part.fromEarlier().apply(results).entrySet()) {
                        tree = tree.with(e.getKey(), e.getValue());
                    }
                    tree = CommandLineOverrides.apply(tree, overrides, registry, warn);
                    tree = tree.with("run.output", dir.toString());
                    if (!overrides.stream().anyMatch(o -> o.startsWith("run.name="))) {
                        tree = tree.with("run.name", figure.id() + "-" + part.name());
                    }
                    ExperimentConfig config = resolver.resolve(tree, figure.id() + "-" + part.name());
                    LOG.info("reproduce {} ({}): part {}", figure.id(), scale.label(), part.name());
                    RunOutcome outcome = launcher.launch(config, null);
                    results.put(part.name(), outcome);
                    if (outcome.interrupted() != null) {
                        results.problem(part.name(), "interrupted by SIG" + outcome.interrupted().name());
                        break;
                    }
                } catch (ConfigException | IllegalArgumentException | IllegalStateException e) {
                    LOG.error("reproduce {}: part {} not run: {}", figure.id(), part.name(), e.getMessage());
                    results.problem(part.name(), e.getMessage());
                }
            }
            List<Verdict> verdicts;
            try {
                verdicts = figure.judge(results, dir);
            } catch (RuntimeException e) {
                LOG.error("reproduce {}: judging failed", figure.id(), e);
                verdicts = List.of(new Verdict(figure.id(), figure.claim(), "", "", Verdict.Outcome.INCONCLUSIVE,
                        "the verdict rule could not read the results: " + e));
            }
            double wall = (System.nanoTime() - start) / 1e9;
            boolean complete = parts.stream().allMatch(p -> results.problem(p.name()) == null);
            runs.add(new FigureRun(figure, verdicts, wall, dir, complete));
            write(runs, scale, overrides, out);
        }
        return runs;
    }

    /** Writes verdicts.csv, timings.csv and report.html for the figures run so far. */
    private static void write(List<FigureRun> runs, Scale scale, List<String> overrides, Path out) {
        StringBuilder csv = new StringBuilder(Verdict.CSV_HEADER).append('\n');
        // the overrides say when a figure ran at less (or more) than its scale: part of its label
        String changed = Verdict.quote(String.join(" ", overrides));
        StringBuilder timings = new StringBuilder("figure,scale,wall_s,folder,overrides\n");
        for (FigureRun r : runs) {
            r.verdicts().forEach(v -> csv.append(v.csvRow()).append('\n'));
            timings.append(r.figure().id()).append(',').append(scale.label()).append(',')
                    .append(String.format(Locale.ROOT, "%.1f", r.wallSeconds())).append(',')
                    .append(out.relativize(r.folder())).append(',').append(changed).append('\n');
        }
        AtomicFiles.writeString(out.resolve("verdicts.csv"), csv.toString());
        AtomicFiles.writeString(out.resolve("timings.csv"), timings.toString());
        String label = scale.label() + (overrides.isEmpty() ? "" : ", changed by --set " + String.join(" --set ",
                overrides));
        ReportPage.forReproduction(out, label, runs.stream().map(r -> new ReportPage.FigureSection(
                r.figure().id(), r.figure().claim(), r.figure().source(), r.wallSeconds(), r.folder(),
                r.verdicts().stream().map(v -> new String[]{v.figure(), v.claim(), v.measured(), v.expected(),
                        v.verdict().label(), v.detail()}).toList())).toList());
    }
}
