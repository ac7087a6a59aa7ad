package io.suffice.runtime.train;

import io.suffice.api.train.TrainingPlan;
import io.suffice.runtime.engine.OnnxExport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a plan's {@linkplain TrainingPlan#exports() exports} as standalone ONNX files {@code <name>.onnx}: trained
 * parameters as initializers, the batch dimension named {@code batch}, and {@code metadata_props} with the task,
 * label, step, config hash and suffice version. Stateless apart from the run identity.
 */
final class RunExports {
    private static final Logger LOG = LoggerFactory.getLogger(RunExports.class);

    private final RunIdentity run;

    RunExports(RunIdentity run) {
        this.run = run;
    }

    /** Writes the exports of {@code plan} at {@code step}, with the run's own identity. */
    void write(TrainingPlan plan, long step) {
        write(plan, step, run.metadata());
    }

    /**
     * Writes the exports with the identity (task, config hash) of the run that trained them ({@code suffice export}
     * passes the checkpoint's, so its files equal those {@code run.export} wrote).
     */
    void write(TrainingPlan plan, long step, Map<String, String> identity) {
        if (plan.exports().isEmpty()) {
            LOG.warn("{}: run.export is set but the task exports nothing", plan.label());
            return;
        }
        Map<String, String> props = new LinkedHashMap<>();
        props.put("suffice.task", identity.getOrDefault("task", ""));
        props.put("suffice.label", plan.label());
        props.put("suffice.step", Long.toString(step));
        props.put("suffice.config_sha256", identity.getOrDefault("config_sha256", ""));
        props.put("suffice.version", RunIdentity.version());
        for (var e : plan.exports().entrySet()) {
            Path file = run.exportDirectory().resolve(e.getKey() + ".onnx");
            try {
                OnnxExport.export(file, e.getValue().inputs(), e.getValue().outputs(), plan.store(), props);
            } catch (IOException ex) {
                throw new UncheckedIOException("cannot write export " + file + ": " + ex.getMessage(), ex);
            }
            LOG.info("{}: exported {} (step {})", plan.label(), file, step);
        }
    }
}
