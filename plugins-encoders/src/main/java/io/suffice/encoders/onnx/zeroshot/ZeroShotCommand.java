package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.ExecutorFactory;
import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.encoders.onnx.FrozenOnnxEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoderSettings;
import io.suffice.encoders.onnx.cli.CommandFiles;
import io.suffice.encoders.onnx.text.HuggingFaceTextTokenizer;
import io.suffice.encoders.onnx.text.TextTokenizer;
import io.suffice.encoders.onnx.text.WordTokenizer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * {@code suffice zero-shot}: classifies a folder of images with a pretrained image tower and text tower (two ONNX
 * files), open_clip style: per-class prompt ensembles, cosine similarity, top-1/top-5 accuracy when the folder has a
 * sub-folder per class, predictions as CSV. Text is tokenized word by word from a vocabulary file
 * ({@link WordTokenizer}) or by a Hugging Face {@code tokenizer.json} ({@link HuggingFaceTextTokenizer}). Exit 0 on
 * success, 1 on failure, 2 on a usage error.
 */
@Command(name = "zero-shot", mixinStandardHelpOptions = true,
        description = "Zero-shot image classification with pretrained ONNX image and text encoders.")
public final class ZeroShotCommand implements Callable<Integer> {

    @Option(names = "--image-encoder", required = true, paramLabel = "FILE", description = "image tower (.onnx)")
    Path imageEncoder;

    @Option(names = "--text-encoder", required = true, paramLabel = "FILE", description = "text tower (.onnx)")
    Path textEncoder;

    @Option(names = "--classes", required = true, paramLabel = "LIST|@FILE",
            description = "class names, comma-separated, or @file with one per line")
    String classes;

    @Option(names = "--templates", paramLabel = "LIST|@FILE", defaultValue = "a photo of a {}.",
            description = "prompt templates with {} for the class name, separated by '|', or @file with one per "
                    + "line (default: ${DEFAULT-VALUE})")
    String templates;

    @Option(names = "--images", required = true, paramLabel = "DIR",
            description = "images, or one sub-folder of images per class (then accuracies are reported)")
    Path images;

    @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
    TokenizerOptions tokenizerChoice;

    @Option(names = "--pad-id", paramLabel = "ID",
            description = "padding token id for --tokenizer (default: the file's padding id or [PAD]/<pad> token, "
                    + "else 0)")
    Long padId;

    @Option(names = "--context-length", paramLabel = "N",
            description = "token sequence length (default: the text tower's fixed input length, else each batch is "
                    + "padded to its longest prompt)")
    Integer contextLength;

    @Option(names = "--image-input", paramLabel = "NAME", description = "image tower input (default: its only one)")
    String imageInput;

    @Option(names = "--text-ids-input", paramLabel = "NAME", defaultValue = "input_ids",
            description = "text tower input for token ids (default: ${DEFAULT-VALUE})")
    String textIdsInput;

    @Option(names = "--text-mask-input", paramLabel = "NAME", defaultValue = "attention_mask",
            description = "text tower input for the attention mask, if it has one (default: ${DEFAULT-VALUE})")
    String textMaskInput;

    @Option(names = "--image-output", paramLabel = "NAME", defaultValue = "",
            description = "image tower output to use (default: the first)")
    String imageOutput;

    @Option(names = "--text-output", paramLabel = "NAME", defaultValue = "",
            description = "text tower output to use (default: the first)")
    String textOutput;

    @CommandLine.Mixin
    ImageOptions imageOptions = new ImageOptions();

    @Option(names = "--batch-size", paramLabel = "N", defaultValue = "32", description = "images per batch")
    int batchSize;

    @Option(names = "--out", paramLabel = "CSV", defaultValue = "zero-shot-predictions.csv",
            description = "predictions file (default: ${DEFAULT-VALUE})")
    Path out;

    @Option(names = "--device", paramLabel = "DEV", defaultValue = "cpu", description = "cpu, cuda or cuda:N")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        CommandFiles.requireFile(spec, "--image-encoder", imageEncoder);
        CommandFiles.requireFile(spec, "--text-encoder", textEncoder);
        CommandFiles.requireDirectory(spec, "--images", images);
        Path tokenizerFile = tokenizerChoice.file(spec);
        for (String listed : new String[]{classes, templates}) {
            if (listed.startsWith("@")) {
                CommandFiles.requireFile(spec, listed == classes ? "--classes" : "--templates",
                        Path.of(listed.substring(1)));
            }
        }
        List<String> classList = list(classes, ",");
        List<String> templateList = list(templates, "\\|");
        PromptEnsemble prompts = new PromptEnsemble(classList, templateList);
        List<ImageFolder.Entry> entries = ImageFolder.scan(images, classList);

        OnnxFileEncoder img = new OnnxFileEncoder(OnnxFileEncoderSettings.of(imageEncoder).withOutput(imageOutput)
                .withNormalize(true).withInputs(Map.of(imageInput(imageEncoder), ZeroShotEvaluation.PIXELS)));
        OnnxModelInfo.TensorSpec pixels = img.info().inputs().get(0);
        ImageLayout layout = imageOptions.layout(pixels);
        ImagePreprocessing pre = imageOptions.preprocessing(layout);

        OnnxModelInfo textInfo = io.suffice.encoders.onnx.OnnxModelInspector.inspect(textEncoder);
        Map<String, String> textInputs = new LinkedHashMap<>();
        textInputs.put(textInfo.input(textIdsInput).name(), ZeroShotEvaluation.IDS);
        if (textInfo.inputNames().contains(textMaskInput)) {
            textInputs.put(textMaskInput, ZeroShotEvaluation.MASK);
        }
        OnnxFileEncoder txt = new OnnxFileEncoder(OnnxFileEncoderSettings.of(textEncoder).withOutput(textOutput)
                .withNormalize(true).withInputs(textInputs));
        OnnxModelInfo.TensorSpec ids = textInfo.input(textIdsInput);
        int length = contextLength != null ? contextLength : ids.rank() == 2 && ids.isFixed(1)
                ? Integer.parseInt(ids.dims().get(1)) : 0;
        TextTokenizer tokenizer = tokenizerChoice.isVocabulary() ? WordTokenizer.load(tokenizerFile, length)
                : HuggingFaceTextTokenizer.load(tokenizerFile, length, padId);

        ZeroShotResult result;
        ExecutionConfig config = ExecutionConfig.defaults().withDevice(device);
        try (Executor executor = ExecutorFactory.find(getClass().getClassLoader()).open(config);
             FrozenOnnxEncoder imageTower = img.open(executor);
             FrozenOnnxEncoder textTower = txt.open(executor)) {
            result = new ZeroShotEvaluation(imageTower, textTower, tokenizer, pre, layout.flat(), batchSize)
                    .run(prompts, entries);
        }
        result.writeCsv(out);
        var w = spec.commandLine().getOut();
        w.printf(Locale.ROOT, "images: %d (%d labelled), classes: %d, templates: %d%n", result.predictions().size(),
                result.labelled(), classList.size(), templateList.size());
        if (result.labelled() > 0) {
            w.printf(Locale.ROOT, "top-1 accuracy: %.4f%ntop-5 accuracy: %.4f%n", result.top1(), result.top5());
        }
        w.println("predictions: " + out);
        w.flush();
        return 0;
    }

    private String imageInput(Path file) {
        if (imageInput != null) {
            return imageInput;
        }
        OnnxModelInfo info = io.suffice.encoders.onnx.OnnxModelInspector.inspect(file);
        if (info.inputs().size() != 1) {
            throw new CommandLine.ParameterException(spec.commandLine(), file + " has inputs " + info.inputNames()
                    + "; say which takes the pixels with --image-input");
        }
        return info.inputs().get(0).name();
    }

    /** Items of {@code spec} split by {@code sep}, or the non-blank lines of {@code @file}. */
    static List<String> list(String spec, String sep) throws IOException {
        List<String> raw = spec.startsWith("@")
                ? Files.readAllLines(Path.of(spec.substring(1)), StandardCharsets.UTF_8)
                : Arrays.asList(spec.split(sep));
        List<String> out = new ArrayList<>();
        for (String s : raw) {
            if (!s.isBlank()) {
                out.add(s.strip());
            }
        }
        return out;
    }
}
