package io.suffice.data.jghm.cli;

import io.suffice.data.jghm.InvalidModelException;
import io.suffice.data.jghm.JghmModel;
import io.suffice.data.jghm.JghmModelJson;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code suffice jghm save-model}: writes the JSON model ({@link JghmModelJson}) atomically. With {@code --model}
 * and {@code --p} it re-mixes a seeded file at another p. Exit codes: 0 ok, 2 usage error, 1 failure.
 */
@Command(name = "save-model", mixinStandardHelpOptions = true,
        description = "Write a JGHM's transition matrices as JSON ({\"S\",\"L\",\"m\",\"p\",\"text\",\"image\"}).")
public final class JghmSaveModelCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    ModelOptions modelOptions = new ModelOptions();

    @Option(names = "--p", description = "flip probability (default: 0.2, or the model file's)")
    Double p;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "JSON file to write")
    Path out;

    @Override
    public Integer call() {
        CommandLine cl = spec.commandLine();
        try {
            JghmModel model = modelOptions.resolve(p, cl);
            JghmModelJson.save(model, out);
            cl.getOut().println("wrote " + model + " to " + out);
            cl.getOut().flush();
            return 0;
        } catch (IOException | InvalidModelException e) {
            cl.getErr().println("jghm save-model: " + e.getMessage());
            return 1;
        }
    }
}
