package io.suffice.encoders.onnx.cli;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.ExecutorFactory;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.io.AtomicFiles;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.encoders.onnx.FrozenOnnxEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoderSettings;
import io.suffice.encoders.onnx.OnnxModelInspector;
import io.suffice.encoders.onnx.Pooling;
import io.suffice.encoders.onnx.zeroshot.ImageFolder;
import io.suffice.encoders.onnx.zeroshot.ImageLayout;
import io.suffice.encoders.onnx.zeroshot.ImageOptions;
import io.suffice.encoders.onnx.zeroshot.ImagePreprocessing;
import io.suffice.encoders.onnx.zeroshot.TokenizerOptions;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code suffice embed}: one embedding per line of a text file or per image of a folder, from a pretrained ONNX model,
 * as CSV {@code index,e0,e1,...} (index = line number from 0, or the position of the image in the folder's sorted
 * order). Texts go through the same {@code onnx-file} encoder text pipeline as training and {@code zero-shot}
 * (tokenizer, padding to each batch's longest text, {@code attention_mask}/{@code token_type_ids} fed when the model
 * declares them, mean pooling masked by the attention mask), images through zero-shot's preprocessing. Exit 0 on
 * success, 1 on failure, 2 on a usage error (a missing file is one).
 */
@Command(name = "embed", mixinStandardHelpOptions = true,
        description = "Embed the lines of a text file or the images of a folder with a pretrained ONNX model.")
public final class EmbedCommand implements Callable<Integer> {
    private static final int PROGRESS_MIN_BATCHES = 10;

    @Option(names = "--model", required = true, paramLabel = "FILE", description = "the .onnx model")
    Path model;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    /** Exactly one input source. */
    static final class Source {
        @Option(names = "--texts", required = true, paramLabel = "FILE", description = "texts, one per line")
        Path texts;

        @Option(names = "--images", required = true, paramLabel = "DIR",
                description = "images (PNG, JPEG, GIF, BMP) in DIR and its sub-folders, in sorted order")
        Path images;
    }

    @CommandLine.ArgGroup(exclusive = true)
    TokenizerOptions tokenizer;

    @Option(names = "--output", paramLabel = "NAME", defaultValue = "",
            description = "model output to use (default: the first)")
    String output;

    @Option(names = "--pooling", paramLabel = "MODE",
            description = "none, mean or cls (default: none for a [batch, dim] output, else mean; with texts the mean "
                    + "leaves padding out)")
    String pooling;

    @Option(names = "--normalize", description = "scale each embedding to unit L2 norm")
    boolean normalize;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "32", description = "inputs per run (default: 32)")
    int batch;

    @Option(names = "--max-length", paramLabel = "N", defaultValue = "0",
            description = "texts: cut and pad to N tokens (default: each batch's longest; the tokenizer file's "
                    + "truncation applies)")
    int maxLength;

    @CommandLine.Mixin
    ImageOptions imageOptions = new ImageOptions();

    @Option(names = "--out", paramLabel = "CSV", description = "write the CSV here (atomically) instead of stdout")
    Path out;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu, cuda or cuda:N")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandFiles.requireFile(spec, "--model", model);
        CommandFiles.requireFile(spec, "--texts", source.texts);
        CommandFiles.requireDirectory(spec, "--images", source.images);
        Path tokenizerFile = tokenizer == null ? null : tokenizer.file(spec);
        if (batch <= 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--batch must be positive, got " + batch);
        }
        if (maxLength < 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--max-length must be positive, got "
                    + maxLength);
        }
        if (source.texts != null && tokenizerFile == null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--texts needs the model's tokenizer: "
                    + "--tokenizer tokenizer.json or --vocab vocab.txt");
        }
        if (source.images != null && tokenizerFile != null) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--tokenizer/--vocab apply to --texts, not "
                    + "--images");
        }
        OnnxModelInfo info = OnnxModelInspector.inspect(model);
        OnnxModelInfo.TensorSpec y = output.isEmpty() ? info.outputs().isEmpty() ? null : info.outputs().get(0)
                : info.output(output);
        Pooling p;
        try {
            p = pooling != null ? Pooling.parse(pooling) : y != null && y.rank() > 2 ? Pooling.MEAN : Pooling.NONE;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--pooling: " + e.getMessage());
        }
        OnnxFileEncoderSettings s = OnnxFileEncoderSettings.of(model).withOutput(output).withPooling(p, 1, "")
                .withNormalize(normalize);
        if (source.texts != null) {
            s = s.withTokenizer(tokenizerFile, maxLength);
            // a model with one input (e.g. a suffice export's `text`) takes the token ids whatever its name
            if (info.inputs().size() == 1 && !info.inputNames().contains(OnnxFileEncoder.INPUT_IDS)) {
                s = s.withInputs(Map.of(info.inputs().get(0).name(), OnnxFileEncoder.INPUT_IDS));
            }
        } else if (info.inputs().size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), model + " has inputs " + info.inputNames()
                    + "; --images needs a model with one (pixel) input");
        }
        OnnxFileEncoder encoder = new OnnxFileEncoder(s);
        Rows rows = source.texts != null ? textRows(Files.readAllLines(source.texts, StandardCharsets.UTF_8))
                : imageRows(info.inputs().get(0), ImageFolder.files(source.images));
        ExecutionConfig config = ExecutionConfig.defaults().withDevice(device);
        try (Executor executor = ExecutorFactory.find(getClass().getClassLoader()).open(config);
             FrozenOnnxEncoder frozen = encoder.open(executor)) {
            if (out == null) {
                PrintWriter w = spec.commandLine().getOut();
                write(rows, frozen, w);
                w.flush();
            } else {
                AtomicFiles.write(out, stream -> {
                    Writer w = new OutputStreamWriter(stream, StandardCharsets.UTF_8);
                    write(rows, frozen, w);
                    w.flush();
                });
                spec.commandLine().getErr().printf(Locale.ROOT, "%d embeddings written to %s%n", rows.count(), out);
            }
        }
        return 0;
    }

    /** The inputs, batch by batch. */
    private interface Rows {
        int count();

        HostTensor embed(FrozenOnnxEncoder encoder, int from, int to) throws IOException;
    }

    private Rows textRows(List<String> lines) {
        return new Rows() {
            @Override
            public int count() {
                return lines.size();
            }

            @Override
            public HostTensor embed(FrozenOnnxEncoder encoder, int from, int to) {
                return encoder.embedTexts(lines.subList(from, to));
            }
        };
    }

    private Rows imageRows(OnnxModelInfo.TensorSpec input, List<Path> files) {
        ImageLayout layout = imageOptions.layout(input);
        ImagePreprocessing pre = imageOptions.preprocessing(layout);
        return new Rows() {
            @Override
            public int count() {
                return files.size();
            }

            @Override
            public HostTensor embed(FrozenOnnxEncoder encoder, int from, int to) throws IOException {
                List<BufferedImage> pics = new ArrayList<>();
                for (Path f : files.subList(from, to)) {
                    BufferedImage img = ImageIO.read(f.toFile());
                    if (img == null) {
                        throw new IOException("cannot decode image " + f + " (not a PNG/JPEG/GIF/BMP?)");
                    }
                    pics.add(img);
                }
                HostTensor px = pre.toTensor(pics);
                if (layout.flat()) {
                    px = HostTensor.wrap(px.dtype(), Shape.of(px.shape().dim(0), px.size() / px.shape().dim(0)),
                            px.buffer());
                }
                return encoder.encode(Map.of(input.name(), px));
            }
        };
    }

    /** Embeds every row in batches and writes the CSV; progress goes to stderr when there are many batches. */
    private void write(Rows rows, FrozenOnnxEncoder encoder, Writer w) throws IOException {
        int n = rows.count();
        int batches = (n + batch - 1) / batch;
        PrintWriter err = spec.commandLine().getErr();
        int nextReport = 1;
        for (int b = 0, from = 0; from < n; b++, from += batch) {
            int to = Math.min(n, from + batch);
            HostTensor z = rows.embed(encoder, from, to);
            int dim = z.size() / (to - from);
            if (from == 0) {
                StringBuilder header = new StringBuilder("index");
                for (int k = 0; k < dim; k++) {
                    header.append(",e").append(k);
                }
                w.write(header.append('\n').toString());
            }
            var f = z.floats();
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < to - from; i++) {
                line.setLength(0);
                line.append(from + i);
                for (int k = 0; k < dim; k++) {
                    line.append(',').append(Float.toString(f.get(i * dim + k)));
                }
                w.write(line.append('\n').toString());
            }
            if (batches >= PROGRESS_MIN_BATCHES && (b + 1) * 10 >= nextReport * batches) {
                err.printf(Locale.ROOT, "embedded %d/%d%n", to, n);
                err.flush();
                nextReport = (b + 1) * 10 / batches + 1;
            }
        }
    }

}
