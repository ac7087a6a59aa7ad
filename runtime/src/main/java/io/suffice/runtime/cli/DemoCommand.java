package io.suffice.runtime.cli;

import io.suffice.runtime.config.ConfigTree;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.Callable;

/** {@code suffice demo}: runs the embedded default experiment. */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the embedded default experiment: a stepsize sweep of large-stepsize GD on a two-layer network.")
final class DemoCommand implements Callable<Integer> {
    static final String RESOURCE = "/io/suffice/runtime/demo.yaml";

    @CommandLine.Mixin
    ExperimentOptions options;

    @CommandLine.Option(names = "--print-config", description = "print the embedded config and exit")
    boolean printConfig;

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (InputStream in = DemoCommand.class.getResourceAsStream(RESOURCE)) {
            if (printConfig) {
                spec.commandLine().getOut().print(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
                return 0;
            }
            ConfigTree tree = ConfigTree.parse(in, "embedded demo config");
            return new ExperimentCommand(spec.commandLine(), parent).run(tree, "demo", options);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
