package io.suffice.distribution;

import ai.onnx.proto.OnnxMl;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.suffice.api.data.Batch;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executable;
import io.suffice.api.graph.Graph;
import io.suffice.api.graph.Value;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;
import io.suffice.data.fmnist.FashionMnistCaptions;
import io.suffice.encoders.onnx.FrozenOnnxEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoderSettings;
import io.suffice.encoders.onnx.OnnxModelInspector;
import io.suffice.encoders.onnx.Pooling;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.engine.OrtExecutor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * experiments/finetune-onnx-text.yaml, shortened: a clip run whose text tower is the pretrained BERT-style fixture
 * (onnx-file, trainable, its own tokenizer.json) fine-tunes that tower against an MLP image tower on Fashion-MNIST
 * captions, exports both towers, and the exported text tower reloaded through onnx-file with the same tokenizer
 * gives the trained tower's embeddings; `suffice zero-shot` with the exports reproduces the run's zero-shot accuracy.
 * <p>
 * It runs the config's own text tower, PyTorch's opset-11 export with symbolic batch and sequence
 * ({@code -Dfinetune.file=} runs another file instead).
 */
class FineTuneOnnxTextIT {
    private static final Path DATA = Path.of("/usr/share/datasets/fashion-mnist");
    private static final String FIXTURES = "plugins-encoders/src/test/resources/onnx/bert-tiny/";
    private static final int IMAGES = 300;

    @Test
    void theTextTowerFineTunesExportsAndReloads(@TempDir Path dir) throws Exception {
        boolean present = Files.isRegularFile(DATA.resolve("t10k-labels-idx1-ubyte.gz"))
                || Files.isRegularFile(DATA.resolve("t10k-labels-idx1-ubyte"));
        CiRequirement.require(present, "Debian package dataset-fashion-mnist (" + DATA + ")");
        Path home = Cli.home();
        Path repo = home.resolve("../../..").normalize();   // the config's paths are relative to the checkout
        Path pretrained = repo.resolve(System.getProperty("finetune.file", FIXTURES + "bert-tiny-opset11.onnx"));
        Path tokenizer = repo.resolve(FIXTURES + "tokenizer.json");
        assertThat(tokenizer).isRegularFile();

        Cli.Result r = Cli.run(dir, "run", home.resolve("experiments/finetune-onnx-text.yaml").toString(),
                "--set", "text-encoder.file=" + pretrained, "--set", "text-encoder.tokenizer=" + tokenizer,
                "--set", "task.steps=60", "--set", "dataset.images=5000", "--set", "task.eval-groups=100",
                "--set", "task.zero-shot-images=" + IMAGES, "--set", "task.probe-train=200",
                "--set", "run.output=" + dir.resolve("runs"));
        assertThat(r.status()).as(r.err()).isZero();
        Path run;
        try (Stream<Path> s = Files.list(dir.resolve("runs"))) {
            run = s.filter(Files::isDirectory).findFirst().orElseThrow();
        }
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        double zeroShot = summary.findValue("zero_shot_top1").asDouble();
        System.out.printf(Locale.ROOT, "finetune-onnx-text (60 steps): zero-shot top-1 %.4f on %d test images%n",
                zeroShot, IMAGES);
        assertThat(zeroShot).as("10 classes: chance is 0.1").isGreaterThan(0.3);

        // the text tower's parameters moved away from the pretrained file
        Map<String, HostTensor> trained = Checkpoints.read(run.resolve("checkpoint.safetensors")).params();
        OnnxMl.ModelProto file = OnnxModelInspector.parse(pretrained);
        int moved = 0;
        for (OnnxMl.TensorProto init : file.getGraph().getInitializerList()) {
            HostTensor t = trained.get("text." + init.getName());
            if (init.getDataType() == OnnxMl.TensorProto.DataType.FLOAT_VALUE) {
                assertThat(t).as("trained parameter text." + init.getName()).isNotNull();
                float[] before = new float[t.size()];
                init.getRawData().asReadOnlyByteBuffer().order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer()
                        .get(before);
                float[] after = new float[t.size()];
                t.floats().get(after);
                moved += java.util.Arrays.equals(before, after) ? 0 : 1;
            }
        }
        assertThat(moved).as("fine-tuned initializers").isGreaterThan(30);

        // the exported text tower, reloaded with the same tokenizer, is the trained tower
        FashionMnistCaptions data = new FashionMnistCaptions(DATA, 1000, FashionMnistCaptions.CAPTION_TEMPLATES,
                FashionMnistCaptions.PROMPT_TEMPLATES, 8);
        List<String> prompts = new ArrayList<>();
        for (String c : data.classNames()) {
            for (String t : data.templates()) {
                prompts.add(t.replace("{}", c));
            }
        }
        OnnxFileEncoder reloaded = new OnnxFileEncoder(OnnxFileEncoderSettings.of(run.resolve("text-encoder.onnx"))
                .withInputs(Map.of("text", OnnxFileEncoder.INPUT_IDS)).withTokenizer(tokenizer, 16));
        OnnxFileEncoder tower = new OnnxFileEncoder(OnnxFileEncoderSettings.of(pretrained)
                .withOutput("last_hidden_state").withPooling(Pooling.MEAN, 1, "").withTokenizer(tokenizer, 16)
                .withTrainable(true));
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults().withThreads(1));
             FrozenOnnxEncoder frozen = reloaded.open(ex)) {
            double[] exported = frozen.embedTexts(prompts).toDoubleArray();
            HostTensor ids = tower.tokenize(prompts);
            Graph g = new Graph(0);
            Value in = g.input("text", DType.INT64, Shape.DYNAMIC, 16);
            Value z = tower.withName("text").forward(g, in);
            assertThat(g.parameters()).hasSize(moved);
            List<Value> inputs = new ArrayList<>(g.parameters());
            inputs.add(in);
            Map<String, HostTensor> feeds = new LinkedHashMap<>();
            g.parameters().forEach(p -> feeds.put(p.name(), trained.get(p.name())));
            feeds.put("text", ids);
            double[] inGraph;
            try (Executable exec = ex.compile(g, inputs, Map.of("z", z))) {
                inGraph = exec.run(feeds).get("z").toDoubleArray();
            }
            assertThat(exported).hasSize(inGraph.length);
            double maxDiff = 0;
            for (int i = 0; i < exported.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(exported[i] - inGraph[i]));
            }
            System.out.printf(Locale.ROOT, "reloaded text-encoder.onnx vs trained tower: max |diff| %.3g%n", maxDiff);
            assertThat(maxDiff).isLessThan(1e-5);
        }

        // the exports through `suffice zero-shot` on PNGs of the same test images: the run's accuracy
        Batch test = data.test();
        HostTensor pixels = test.get(FashionMnistCaptions.IMAGE);
        long[] labels = new long[IMAGES];
        test.get("label").longs().get(labels);
        for (int i = 0; i < IMAGES; i++) {
            BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_BYTE_GRAY);
            for (int k = 0; k < 784; k++) {
                double v = pixels.floats().get(i * 784 + k) * FashionMnistCaptions.STD + FashionMnistCaptions.MEAN;
                img.getRaster().setSample(k % 28, k / 28, 0, (int) Math.round(v * 255));
            }
            Path sub = Files.createDirectories(dir.resolve("images").resolve(data.classNames().get((int) labels[i])));
            ImageIO.write(img, "png", sub.resolve(String.format(Locale.ROOT, "%04d.png", i)).toFile());
        }
        Cli.Result zs = Cli.run(dir, "zero-shot",
                "--image-encoder", run.resolve("image-encoder.onnx").toString(),
                "--text-encoder", run.resolve("text-encoder.onnx").toString(), "--text-ids-input", "text",
                "--tokenizer", tokenizer.toString(),
                "--classes", String.join(",", data.classNames()), "--templates", String.join("|", data.templates()),
                "--images", dir.resolve("images").toString(),
                "--mean", String.valueOf(FashionMnistCaptions.MEAN), "--std", String.valueOf(FashionMnistCaptions.STD),
                "--out", dir.resolve("pred.csv").toString());
        assertThat(zs.status()).as(zs.err()).isZero();
        System.out.print(zs.out());
        assertThat(zs.out()).contains(String.format(Locale.ROOT, "top-1 accuracy: %.4f", zeroShot));
    }
}
