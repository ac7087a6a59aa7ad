package io.suffice.runtime.cli;

import com.google.inject.Guice;
import com.google.inject.Injector;
import io.suffice.runtime.ConfigException;
import io.suffice.runtime.config.ConfigResolver;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.config.ExperimentConfig;
import io.suffice.runtime.engine.Checkpoints;
import io.suffice.runtime.run.ExperimentRunner;
import io.suffice.runtime.run.RuntimeModule;
import io.suffice.runtime.train.ExportFinished;
import io.suffice.runtime.train.ResumeSource;
import io.suffice.runtime.train.RunIdentity;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code suffice export RUN_FOLDER [--out DIR]}: writes the trained models of a run (each sweep arm of a sweep
 * folder) as ONNX files, from the run's checkpoint and resolved config: the task builds its plan as in the run, the
 * training core restores the checkpoint into it and writes the plan's exports, and nothing is trained or evaluated.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = "Export the trained models of a run folder (its checkpoint.safetensors) as ONNX files.")
final class ExportCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "RUN_FOLDER", description = "a run folder, or a sweep folder")
    Path folder;

    @Option(names = "--out", paramLabel = "DIR", description = "where to write <name>.onnx (default: the run folder)")
    Path out;

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (!Files.isDirectory(folder)) {
            throw new ConfigException(folder + ": no such run folder");
        }
        List<Path> arms = new ArrayList<>();
        if (Files.exists(folder.resolve(ResumeSource.FILE))) {
            arms.add(folder);
        } else {
            try (Stream<Path> s = Files.list(folder)) {
                s.filter(p -> Files.exists(p.resolve(ResumeSource.FILE))).sorted().forEach(arms::add);
            }
        }
        if (arms.isEmpty()) {
            throw new ConfigException(folder + ": holds no " + ResumeSource.FILE + " (nor do its sub-folders); "
                    + "was it trained by a task of the training core?");
        }
        Injector injector = Guice.createInjector(new RuntimeModule(parent.registry(parent.pluginsDir), parent.stop));
        for (Path arm : arms) {
            Path target = out == null ? arm : arms.size() == 1 ? out : out.resolve(arm.getFileName());
            export(injector, arm, target);
        }
        return 0;
    }

    private void export(Injector injector, Path arm, Path target) throws Exception {
        Path configFile = arm.resolve("config.yaml");
        if (!Files.exists(configFile)) {
            throw new ConfigException(arm + ": no config.yaml beside the checkpoint");
        }
        long step;
        try {
            step = Long.parseLong(Checkpoints.metadata(arm.resolve(ResumeSource.FILE)).get("step"));
        } catch (Checkpoints.CheckpointException e) {
            throw new ConfigException(e.getMessage());
        }
        ConfigTree tree = ConfigTree.read(configFile).with("run.resume", arm.toString())
                .with("task.steps", step).with("sweep", null);
        ExperimentConfig config = injector.getInstance(ConfigResolver.class).resolve(tree, "export");
        Files.createDirectories(target);
        try {
            ExperimentRunner.detached(injector, config, target, ResumeSource.of(arm, ""), RunIdentity.Mode.EXPORT);
            throw new ConfigException(arm + ": task '" + config.components().get("task").name()
                    + "' does not train through the training core, so it has nothing to export");
        } catch (ExportFinished done) {
            spec.commandLine().getOut().println("exported " + arm + " (step " + done.step() + ") to " + target);
        }
    }
}
