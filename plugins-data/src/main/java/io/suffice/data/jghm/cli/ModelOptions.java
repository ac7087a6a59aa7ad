package io.suffice.data.jghm.cli;

import io.suffice.data.jghm.JghmModel;
import io.suffice.data.jghm.JghmModelJson;
import io.suffice.data.jghm.JghmSpec;
import io.suffice.data.jghm.TransitionMatrixGenerator;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Options shared by the {@code suffice jghm} subcommands that say which model to use: a JSON file, or the paper's
 * generator with a seed and shapes. Picocli mixin; one instance per invocation, not thread-safe.
 */
public final class ModelOptions {
    @Option(names = "--model", paramLabel = "FILE", description = "JSON model file, one model or several keyed by p "
            + "({\"0.1\": {...}, \"0.2\": {...}}) (default: generate one)")
    Path model;

    @Option(names = "--seed", defaultValue = "0", description = "seed of the generated matrices (default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--states", defaultValue = "10", description = "S (default: ${DEFAULT-VALUE})")
    int states;

    @Option(names = "--depth", defaultValue = "4", description = "L of both trees (default: ${DEFAULT-VALUE})")
    int depth;

    @Option(names = "--branching", defaultValue = "3", description = "m of both trees (default: ${DEFAULT-VALUE})")
    int branching;

    @Option(names = "--noise-scale", defaultValue = "1.0",
            description = "sigma of the denoising noise (default: ${DEFAULT-VALUE})")
    double noiseScale;

    /**
     * The model at flip probability {@code p}: generated, or loaded (and re-mixed at {@code p} when it differs from
     * the file's and the file has a seed). {@code p == null}: the file's p, or 0.2 for a generated model.
     *
     * @throws CommandLine.ParameterException on invalid option values (exit code 2)
     * @throws IOException                    if the file cannot be read
     */
    JghmModel resolve(Double p, CommandLine cl) throws IOException {
        return resolve(model, p, cl);
    }

    /** The flip probabilities of the models of {@code --model} (one entry for a one-model file). */
    java.util.List<Double> fileProbabilities() throws IOException {
        return new java.util.ArrayList<>(JghmModelJson.loadByP(model).keySet());
    }

    /** Like {@link #resolve(Double, CommandLine)} for the model file {@code file} (null: generate). */
    JghmModel resolve(Path file, Double p, CommandLine cl) throws IOException {
        Path model = file;
        String option = file == this.model ? "--p" : "--bp-p";
        if (p != null && !(p >= 0 && p <= 1)) {
            throw new CommandLine.ParameterException(cl, "--p must be in [0, 1], got " + p);
        }
        for (var o : java.util.Map.of("--states", states, "--depth", depth, "--branching", branching).entrySet()) {
            if (o.getValue() < 1) {
                throw new CommandLine.ParameterException(cl, o.getKey() + " must be at least 1, got " + o.getValue());
            }
        }
        if (!(noiseScale > 0) || Double.isInfinite(noiseScale)) {
            throw new CommandLine.ParameterException(cl, "--noise-scale must be a positive number, got " + noiseScale);
        }
        if (model != null) {
            var byP = JghmModelJson.loadByP(model);
            if (byP.size() > 1) {
                if (p == null || !byP.containsKey(p)) {
                    throw new CommandLine.ParameterException(cl, (p == null ? "" : option + " " + p + ": ") + model
                            + " holds models for p = " + byP.keySet() + "; choose one with " + option);
                }
                return byP.get(p);
            }
            JghmModel m = byP.firstEntry().getValue();
            if (p == null || (p == m.p(io.suffice.api.oracle.Modality.TEXT)
                    && p == m.p(io.suffice.api.oracle.Modality.IMAGE))) {
                return m;
            }
            try {
                return m.withP(p);
            } catch (IllegalStateException e) {
                throw new CommandLine.ParameterException(cl, "--p " + p + " with --model " + model + ": "
                        + e.getMessage());
            }
        }
        try {
            return TransitionMatrixGenerator.generate(new JghmSpec(states, depth, branching, depth, branching,
                    p == null ? 0.2 : p, p == null ? 0.2 : p, noiseScale, seed));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(cl, e.getMessage());
        }
    }

}
