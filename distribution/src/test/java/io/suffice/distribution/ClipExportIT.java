package io.suffice.distribution;

import io.suffice.api.data.Dataset;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.train.TrainingPlan;
import io.suffice.data.jghm.JghmDataset;
import io.suffice.data.jghm.JghmSpec;
import io.suffice.data.jghm.Pairing;
import io.suffice.data.jghm.TransitionMatrixGenerator;
import io.suffice.downstream.contrastive.ClipModel;
import io.suffice.downstream.contrastive.ContrastiveObjective;
import io.suffice.encoders.onnx.FrozenOnnxEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoder;
import io.suffice.encoders.onnx.OnnxFileEncoderSettings;
import io.suffice.encoders.transformer.TransformerEncoder;
import io.suffice.optimizers.Adam;
import io.suffice.optimizers.ConstantSchedule;
import io.suffice.optimizers.UpdateOptions;
import io.suffice.runtime.engine.OrtExecutor;
import io.suffice.runtime.train.TrainingCore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Export as a user meets it: {@code run.export: [onnx]} writes both towers of a clip run as checker-valid ONNX files
 * with a symbolic {@code batch} dimension and provenance metadata; {@code suffice export RUN_FOLDER} writes the same
 * files afterwards from the checkpoint; and an exported tower reloaded through the {@code onnx-file} encoder
 * reproduces the trained model's embeddings.
 */
class ClipExportIT {
    @TempDir
    Path cwd;

    @Test
    void runExportWritesCheckerValidTowersAndSufficeExportRepeatsThem() throws Exception {
        Path out = cwd.resolve("runs");
        Cli.Result r = Cli.run(cwd, "run", Cli.home().resolve("experiments/clip-jghm.yaml").toString(),
                "--set", "task.steps=40", "--set", "run.export=[onnx]", "--set", "task.eval-groups=200",
                "--set", "task.bayes-samples=200", "--set", "task.zero-shot-images=100",
                "--set", "task.prompts=[1, 4, 16, 32]", "--set", "task.probe-train=200", "--set", "task.probe-test=100",
                "--output", out.toString());
        assertThat(r.status()).as(r.err()).isZero();
        Path folder;
        try (Stream<Path> s = Files.list(out)) {
            folder = s.findFirst().orElseThrow();
        }
        Path image = folder.resolve("image-encoder.onnx");
        Path text = folder.resolve("text-encoder.onnx");
        assertThat(image).isNotEmptyFile();
        assertThat(text).isNotEmptyFile();
        checker(image);
        checker(text);

        Path again = cwd.resolve("again");
        Cli.Result e = Cli.run(cwd, "export", folder.toString(), "--out", again.toString());
        assertThat(e.status()).as(e.err()).isZero();
        assertThat(e.out()).contains("exported " + folder + " (step 40) to " + again);
        for (String f : List.of("image-encoder.onnx", "text-encoder.onnx")) {
            assertThat(java.util.Arrays.equals(Files.readAllBytes(again.resolve(f)), Files.readAllBytes(folder.resolve(f))))
                    .as(f + " from suffice export equals the run's own export byte for byte").isTrue();
        }

        Cli.Result none = Cli.run(cwd, "export", cwd.resolve("nothing-here").toString());
        assertThat(none.status()).isEqualTo(2);
        assertThat(none.err()).contains("no such run folder");
    }

    @Test
    void anExportedTowerReloadedThroughOnnxFileReproducesTheTrainedEmbeddings() throws Exception {
        var model = TransitionMatrixGenerator.generate(new JghmSpec(4, 2, 3, 2, 3, 0.1, 0.1, 1.0, 3));
        Dataset data = new JghmDataset(model, model, Pairing.PAIRED, 1);
        TransformerEncoder encoder = new TransformerEncoder("encoder", 8, 16, 1, 2, 4, "linear");
        try (OrtExecutor ex = new OrtExecutor(ExecutionConfig.defaults());
             ClipModel clip = new ClipModel(encoder, 5, ContrastiveObjective.K_CANDIDATE, DType.INT64, 9, 9, 8, 4,
                     ex)) {
            Adam adam = new Adam(1e-2, 0.9, 0.999, 1e-8, 0, true, new UpdateOptions(new ConstantSchedule(), 0));
            TrainingPlan plan = clip.plan("clip", adam, clip.batches(data, 5, 0, 32, "image", "text"), 30).build();
            TrainingCore.standalone(cwd, ex, (s, v) -> { }, 0, null, List.of("onnx"), "clip", "").fit(plan);
            HostTensor tokens = data.sample(50, new SplittableRandom(9)).get("image");
            double[][] trained = clip.embedImages(tokens);
            OnnxFileEncoder reloaded = new OnnxFileEncoder(OnnxFileEncoderSettings.of(cwd.resolve("image-encoder.onnx")));
            try (FrozenOnnxEncoder frozen = reloaded.open(ex)) {
                double[] got = frozen.encode(Map.of("image", tokens)).toDoubleArray();
                int dim = trained[0].length;
                double worst = 0;
                for (int i = 0; i < trained.length; i++) {
                    for (int j = 0; j < dim; j++) {
                        worst = Math.max(worst, Math.abs(got[i * dim + j] - trained[i][j]));
                    }
                }
                assertThat(worst).as("max |reloaded - trained|").isLessThan(1e-5);
            }
        }
    }

    /** onnx.checker (full check) and the export conventions, with Python's onnx package from Debian. */
    private static void checker(Path file) throws Exception {
        Path py = Path.of("/usr/bin/python3");
        boolean present = false;
        if (Files.isExecutable(py)) {
            Process probe = new ProcessBuilder(py.toString(), "-c", "import onnx").start();
            present = probe.waitFor(60, TimeUnit.SECONDS) && probe.exitValue() == 0;
        }
        CiRequirement.require(present, "Debian package python3-onnx (" + py + " with onnx)");
        String code = "import onnx,sys\nm=onnx.load(sys.argv[1]); onnx.checker.check_model(m, full_check=True)\n"
                + "d=m.graph.input[0].type.tensor_type.shape.dim[0]\nassert d.dim_param=='batch', d\n"
                + "o=m.graph.output[0].type.tensor_type.shape.dim[0]\nassert o.dim_param=='batch', o\n"
                + "p={e.key:e.value for e in m.metadata_props}\n"
                + "assert p['suffice.task']=='clip' and p['suffice.step']=='40' and len(p['suffice.config_sha256'])==64, p\n"
                + "print('ok')";
        Process p = new ProcessBuilder(py.toString(), "-c", code, file.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }
}
