package io.suffice.data.jghm.cli;

import io.suffice.api.oracle.BayesRisks;
import io.suffice.api.io.AtomicFiles;
import io.suffice.data.jghm.InvalidModelException;
import io.suffice.data.jghm.JghmBayesOracle;
import io.suffice.data.jghm.JghmModel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * {@code suffice jghm bayes}: the table of Bayes risks (and no-conditioning values) per flip probability, estimated
 * by {@link JghmBayesOracle#estimateRisks} on fresh samples. Columns: {@code p} (then {@code bp_p} in the
 * mis-specified mode), {@code clip_risk}, {@code clip_risk_nocond}, {@code zsc_ce}, {@code zsc_ce_nocond},
 * {@code zsc_acc}, {@code zsc_acc_nocond}, {@code denoise_mse}, {@code denoise_mse_nocond}, {@code next_token_ce},
 * {@code next_token_ce_nocond}. Exit codes: 0 ok, 2 usage error, 1 failure.
 */
@Command(name = "bayes", mixinStandardHelpOptions = true,
        description = "Bayes (exact BP) risks of the JGHM tasks per flip probability p, beside no-conditioning values.")
public final class JghmBayesCommand implements Callable<Integer> {
    /** Column names of the table, in order (without the optional {@code bp_p}). */
    public static final List<String> COLUMNS = List.of("p", "clip_risk", "clip_risk_nocond", "zsc_ce",
            "zsc_ce_nocond", "zsc_acc", "zsc_acc_nocond", "denoise_mse", "denoise_mse_nocond", "next_token_ce",
            "next_token_ce_nocond");

    /** Output formats. */
    public enum Format { table, csv }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--p", split = ",", paramLabel = "P",
            description = "flip probabilities (default: 0.02,0.1,0.2,0.3,0.4; with --model: the file's p)")
    List<Double> ps;

    @Option(names = "--bp-p", paramLabel = "P",
            description = "mis-specified mode: run BP with the matrices of this p on data of each --p")
    Double bpP;

    @Option(names = "--bp-model", paramLabel = "FILE",
            description = "mis-specified mode: run BP with this model file (one model, or several keyed by p: "
                    + "then --bp-p picks one) on data of each --p")
    Path bpModel;

    @Option(names = "--samples", defaultValue = "10000",
            description = "examples (K-candidate groups) per estimate (default: ${DEFAULT-VALUE})")
    int samples;

    @Option(names = {"-k", "--candidates"}, defaultValue = "4",
            description = "K, candidates of the contrastive risk (default: ${DEFAULT-VALUE})")
    int candidates;

    @Option(names = "--sample-seed", defaultValue = "1", description = "seed of the samples (default: ${DEFAULT-VALUE})")
    long sampleSeed;

    @Option(names = "--format", defaultValue = "table", description = "table or csv (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "also write the table as CSV to this file")
    Path out;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (samples < 1) {
            throw new CommandLine.ParameterException(cl, "--samples must be >= 1, got " + samples);
        }
        if (candidates < 2) {
            throw new CommandLine.ParameterException(cl, "--candidates must be >= 2, got " + candidates);
        }
        try {
            List<Double> grid = ps;
            if (grid == null || grid.isEmpty()) {
                grid = modelOptions.model == null ? List.of(0.02, 0.1, 0.2, 0.3, 0.4)
                        : modelOptions.fileProbabilities().size() > 1 ? modelOptions.fileProbabilities()
                        : java.util.Collections.singletonList(null);
            }
            boolean misspecified = bpP != null || bpModel != null;
            List<String> header = new ArrayList<>(COLUMNS);
            if (misspecified) {
                header.add(1, "bp_p");
            }
            List<double[]> rows = new ArrayList<>();
            for (Double p : grid) {
                JghmModel truth = modelOptions.resolve(p, cl);
                JghmModel belief = bpModel != null ? modelOptions.resolve(bpModel, bpP, cl)
                        : bpP == null ? truth : modelOptions.resolve(bpP, cl);
                BayesRisks r = new JghmBayesOracle(truth, belief).estimateRisks(samples, candidates, sampleSeed);
                double pv = truth.p(io.suffice.api.oracle.Modality.TEXT);
                List<Double> row = new ArrayList<>(List.of(pv, r.clipRisk(), r.clipRiskNoCond(), r.zscCe(),
                        r.zscCeNoCond(), r.zscAcc(), r.zscAccNoCond(), r.denoiseMse(), r.denoiseMseNoCond(),
                        r.nextTokenCe(), r.nextTokenCeNoCond()));
                if (misspecified) {
                    row.add(1, belief.p(io.suffice.api.oracle.Modality.TEXT));
                }
                rows.add(row.stream().mapToDouble(Double::doubleValue).toArray());
            }
            PrintWriter o = cl.getOut();
            o.print(format == Format.csv ? csv(header, rows) : table(header, rows));
            o.flush();
            if (out != null) {
                AtomicFiles.writeString(out, csv(header, rows));
            }
            return 0;
        } catch (IOException | java.io.UncheckedIOException | InvalidModelException e) {
            cl.getErr().println("jghm bayes: " + e.getMessage());
            return 1;
        }
    }

    static String csv(List<String> header, List<double[]> rows) {
        StringBuilder sb = new StringBuilder(String.join(",", header)).append('\n');
        for (double[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(i == 0 ? "" : ",").append(fmt(r[i], 6));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    static String table(List<String> header, List<double[]> rows) {
        StringBuilder sb = new StringBuilder();
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = Math.max(header.get(i).length(), 7);
            sb.append(String.format(Locale.ROOT, i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s",
                    header.get(i)));
        }
        sb.append('\n');
        for (double[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                sb.append(String.format(Locale.ROOT, i == 0 ? "%-" + width[i] + "s" : "  %" + width[i] + "s",
                        fmt(r[i], 4)));
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String fmt(double v, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", v);
    }
}
