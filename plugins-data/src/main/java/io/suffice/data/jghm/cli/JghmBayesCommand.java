package io.suffice.data.jghm.cli;

import io.suffice.api.data.Batch;
import io.suffice.api.oracle.BayesRisk;
import io.suffice.api.oracle.Estimate;
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
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;

/**
 * {@code suffice jghm bayes}: the table of Bayes risks (and no-conditioning values) per flip probability, each with its
 * Monte Carlo standard error, estimated on one shared set of fresh draws ({@link JghmBayesOracle#sample}) by every
 * {@link BayesRisk} on the class path (the tasks register theirs; the downstream plugin's give {@code clip_risk},
 * {@code clip_risk_nocond}, {@code zsc_ce}, {@code zsc_ce_nocond}, {@code zsc_acc}, {@code zsc_acc_nocond},
 * {@code denoise_mse}, {@code denoise_mse_nocond}, {@code next_token_ce}, {@code next_token_ce_nocond}). Columns:
 * {@code p} (then {@code bp_p} in the mis-specified mode), then each risk column followed by its {@code <column>_se}.
 * Exit codes: 0 ok, 2 usage error, 1 failure (also when no risk is on the class path).
 */
@Command(name = "bayes", mixinStandardHelpOptions = true,
        description = "Bayes (exact BP) risks of the JGHM tasks per flip probability p, beside no-conditioning values, "
                + "each with its Monte Carlo standard error (*_se).")
public final class JghmBayesCommand implements Callable<Integer> {
    /** The leading column of the table (then {@code bp_p} in the mis-specified mode). */
    public static final String P_COLUMN = "p";

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
            List<BayesRisk> risks = risks();
            if (risks.isEmpty()) {
                cl.getErr().println("jghm bayes: no Bayes risk on the class path (tasks register theirs as "
                        + BayesRisk.class.getName() + " services; the downstream plugin has the paper's four)");
                return 1;
            }
            boolean misspecified = bpP != null || bpModel != null;
            List<String> header = columns(risks, misspecified);
            List<double[]> rows = new ArrayList<>();
            for (Double p : grid) {
                JghmModel truth = modelOptions.resolve(p, cl);
                JghmModel belief = bpModel != null ? modelOptions.resolve(bpModel, bpP, cl)
                        : bpP == null ? truth : modelOptions.resolve(bpP, cl);
                JghmBayesOracle oracle = new JghmBayesOracle(truth, belief);
                Batch groups = oracle.sample(samples, candidates, sampleSeed);
                List<Double> row = new ArrayList<>();
                row.add(truth.p(io.suffice.api.oracle.Modality.TEXT));
                if (misspecified) {
                    row.add(belief.p(io.suffice.api.oracle.Modality.TEXT));
                }
                for (BayesRisk risk : risks) {
                    Map<String, Estimate> e = risk.estimate(oracle, groups);
                    for (String c : risk.columns()) {
                        Estimate v = e.get(c);
                        if (v == null) {
                            throw new IllegalStateException(risk.getClass().getName() + " returned no column '"
                                    + c + "'");
                        }
                        row.add(v.mean());
                        row.add(v.se());
                    }
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

    /** The Bayes risks on the class path, in service-file order. */
    static List<BayesRisk> risks() {
        ClassLoader loader = Thread.currentThread().getContextClassLoader();
        List<BayesRisk> out = new ArrayList<>();
        ServiceLoader.load(BayesRisk.class, loader != null ? loader : JghmBayesCommand.class.getClassLoader())
                .forEach(out::add);
        return out;
    }

    /** The table's header: {@code p}, {@code bp_p} when mis-specified, each risk column and its {@code _se}. */
    public static List<String> columns(List<BayesRisk> risks, boolean misspecified) {
        List<String> header = new ArrayList<>(List.of(P_COLUMN));
        if (misspecified) {
            header.add("bp_p");
        }
        for (BayesRisk r : risks) {
            for (String c : r.columns()) {
                header.add(c);
                header.add(c + Estimate.SE_SUFFIX);
            }
        }
        return header;
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
