package io.suffice.runtime.cli;

import io.suffice.runtime.config.ConfigTree;
import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code suffice demo [NAME...]}: runs the embedded default experiments, one per research result, in order: the
 * large-stepsize GD sweep (seconds) and a short contrastive pre-training on the JGHM (minutes). Overrides apply to
 * every selected demo.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Run the embedded default experiments: 'large-stepsize' (a stepsize sweep of large-stepsize GD "
                + "on a two-layer network, seconds) and 'clip' (short contrastive pre-training of two transformer "
                + "encoders on the JGHM, measured against belief propagation, about 2 minutes).")
final class DemoCommand implements Callable<Integer> {
    /** An embedded demo: its name on the command line and its config resource. */
    record Demo(String name, String resource) {
    }

    /** The demos, in the order {@code suffice demo} runs them. */
    static final List<Demo> DEMOS = List.of(
            new Demo("large-stepsize", "/io/suffice/runtime/demo-large-stepsize.yaml"),
            new Demo("clip", "/io/suffice/runtime/demo-clip.yaml"));

    @CommandLine.Parameters(arity = "0..*", paramLabel = "NAME",
            description = "demos to run: large-stepsize, clip (default: both, in this order)")
    List<String> names;

    @CommandLine.Mixin
    ExperimentOptions options;

    @CommandLine.Option(names = "--print-config", description = "print the embedded configs and exit")
    boolean printConfig;

    @CommandLine.ParentCommand
    SufficeCli parent;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        List<String> choices = DEMOS.stream().map(Demo::name).toList();
        List<String> selected = names == null || names.isEmpty() ? choices : names;
        for (String name : selected) {
            if (!choices.contains(name)) {
                throw new CommandLine.ParameterException(spec.commandLine(), "unknown demo '" + name
                        + "'; choices: " + choices);
            }
        }
        for (String name : selected) {
            String resource = DEMOS.get(choices.indexOf(name)).resource();
            try (InputStream in = DemoCommand.class.getResourceAsStream(resource)) {
                if (printConfig) {
                    spec.commandLine().getOut().print(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                    continue;
                }
                spec.commandLine().getOut().println("demo " + name + ":");
                spec.commandLine().getOut().flush();
                int status = new ExperimentCommand(spec.commandLine(), parent).run(
                        ConfigTree.parse(in, "embedded demo config '" + name + "'"), "demo", options);
                if (status != 0) {
                    return status;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return 0;
    }
}
