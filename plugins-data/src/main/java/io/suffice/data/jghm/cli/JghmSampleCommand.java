package io.suffice.data.jghm.cli;

import io.suffice.api.io.AtomicFiles;
import io.suffice.data.jghm.InvalidModelException;
import io.suffice.data.jghm.JghmModel;
import io.suffice.data.jghm.JghmSampler;
import io.suffice.data.jghm.JghmSamples;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

/**
 * {@code suffice jghm sample}: writes JGHM draws for inspection. CSV columns {@code i,image_root,text_root,image,text}
 * (token lists space-separated inside a field); JSONL objects add {@code image_noisy}. Exit codes: 0 ok, 2 usage
 * error, 1 failure.
 */
@Command(name = "sample", mixinStandardHelpOptions = true, description = "Write JGHM samples (CSV or JSONL).")
public final class JghmSampleCommand implements Callable<Integer> {
    /** Output formats. */
    public enum Format { csv, jsonl }

    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--p", description = "flip probability (default: 0.2, or the model file's)")
    Double p;

    @Option(names = {"-n", "--n"}, defaultValue = "10", description = "number of samples (default: ${DEFAULT-VALUE})")
    int n;

    @Option(names = "--unpaired", description = "independent roots for image and text")
    boolean unpaired;

    @Option(names = "--sample-seed", defaultValue = "1", description = "seed of the samples (default: ${DEFAULT-VALUE})")
    long sampleSeed;

    @Option(names = "--format", defaultValue = "csv", description = "csv or jsonl (default: ${DEFAULT-VALUE})")
    Format format;

    @Option(names = "--out", paramLabel = "FILE", description = "write to this file instead of standard output")
    Path out;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        if (n < 1) {
            throw new CommandLine.ParameterException(cl, "-n must be >= 1, got " + n);
        }
        try {
            JghmModel model = modelOptions.resolve(p, cl);
            JghmSampler sampler = new JghmSampler(model);
            SplittableRandom rng = new SplittableRandom(sampleSeed);
            JghmSamples d = unpaired ? sampler.unpaired(n, rng) : sampler.paired(n, rng);
            String text = format == Format.csv ? csv(d) : jsonl(d);
            if (out != null) {
                AtomicFiles.writeString(out, text);
                cl.getOut().println("wrote " + n + " samples to " + out);
            } else {
                cl.getOut().print(text);
            }
            cl.getOut().flush();
            return 0;
        } catch (IOException | java.io.UncheckedIOException | InvalidModelException e) {
            cl.getErr().println("jghm sample: " + e.getMessage());
            return 1;
        }
    }

    private static String tokens(int[] a, int from, int len, String sep) {
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < len; j++) {
            sb.append(j == 0 ? "" : sep).append(a[from + j]);
        }
        return sb.toString();
    }

    static String csv(JghmSamples d) {
        StringBuilder sb = new StringBuilder("i,image_root,text_root,image,text\n");
        for (int i = 0; i < d.n(); i++) {
            sb.append(i).append(',').append(d.imageRoot()[i]).append(',').append(d.textRoot()[i]).append(',')
                    .append(tokens(d.image(), i * d.imageLeaves(), d.imageLeaves(), " ")).append(',')
                    .append(tokens(d.text(), i * d.textLeaves(), d.textLeaves(), " ")).append('\n');
        }
        return sb.toString();
    }

    static String jsonl(JghmSamples d) {
        StringBuilder sb = new StringBuilder();
        int li = d.imageLeaves();
        for (int i = 0; i < d.n(); i++) {
            sb.append("{\"i\":").append(i).append(",\"image_root\":").append(d.imageRoot()[i])
                    .append(",\"text_root\":").append(d.textRoot()[i])
                    .append(",\"image\":[").append(tokens(d.image(), i * li, li, ",")).append(']')
                    .append(",\"text\":[").append(tokens(d.text(), i * d.textLeaves(), d.textLeaves(), ","))
                    .append("],\"image_noisy\":[");
            for (int j = 0; j < li; j++) {
                sb.append(j == 0 ? "" : ",").append(String.format(Locale.ROOT, "%.4f", d.noisyImage()[i * li + j]));
            }
            sb.append("]}\n");
        }
        return sb.toString();
    }
}
