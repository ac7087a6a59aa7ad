package io.suffice.encoders.onnx.cli;

import io.suffice.api.graph.OnnxModelInfo;
import io.suffice.api.graph.ExecutionConfig;
import io.suffice.api.graph.Executor;
import io.suffice.api.graph.ExecutorFactory;
import io.suffice.encoders.onnx.ImportVetting;
import io.suffice.encoders.onnx.ModelFileWarnings;
import io.suffice.encoders.onnx.OnnxModelInspector;
import io.suffice.encoders.onnx.OpsetSupport;
import io.suffice.encoders.onnx.ExternalDataGuard;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code suffice onnx inspect FILE}: prints what an ONNX model declares (inputs and outputs with symbolic
 * dimensions, opsets, producer, metadata) and whether it can be imported for fine-tuning. The verdict comes from
 * running the importer itself ({@link ImportVetting}); {@code --try-import} adds a forward pass compared with ONNX
 * Runtime and a backward pass. Exit 0 when the file is usable, 1 when it is not (the reason is printed;
 * {@link ModelFileWarnings} such as a missing external data file or no declared outputs are printed as warnings).
 */
@Command(name = "inspect", mixinStandardHelpOptions = true,
        description = "Show an ONNX model's inputs, outputs, opsets and metadata, and vet it.")
public final class OnnxInspectCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FILE", description = "the .onnx model file")
    Path file;

    @CommandLine.Option(names = "--try-import", description = "import the graph, run one forward pass (compared "
            + "with ONNX Runtime on the file) and one backward pass on generated inputs")
    boolean tryImport;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        var out = spec.commandLine().getOut();
        var model = OnnxModelInspector.parse(file);
        OnnxModelInfo info = OnnxModelInspector.describe(model);
        out.println(file);
        out.print(info.describe());
        out.println("nodes: " + model.getGraph().getNodeCount() + ", initializers: "
                + model.getGraph().getInitializerCount());
        OpsetSupport.check(file, model);
        ExternalDataGuard.check(file, model);
        ImportVetting.Verdict verdict = ImportVetting.vet(model);
        if (verdict.ok()) {
            verdict.result().shared().forEach(out::println);
        }
        if (tryImport && verdict.ok()) {
            ExecutorFactory factory = ExecutorFactory.find(getClass().getClassLoader());
            try (Executor executor = factory.open(ExecutionConfig.defaults().withThreads(1))) {
                out.println(ImportVetting.tryImport(file, model, executor, factory.differentiator(), 0));
            }
        } else {
            out.println(verdict.line());
        }
        out.flush();
        return warn(file, model);
    }

    /** Prints each {@link ModelFileWarnings} line to stderr; 1 when there is one (the file is unusable), else 0. */
    private int warn(Path file, ai.onnx.proto.OnnxMl.ModelProto model) {
        List<String> warnings = ModelFileWarnings.of(file, model);
        var err = spec.commandLine().getErr();
        warnings.forEach(w -> err.println("warning: " + w));
        err.flush();
        return warnings.isEmpty() ? 0 : 1;
    }
}
