package io.suffice.data.jghm;

import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.Range;
import io.suffice.api.plugin.PluginConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Plugin {@code jghm}: the Joint Generative Hierarchical Model (see {@link JghmDataset} for the batch fields,
 * {@link TransitionMatrixGenerator} for how matrices are drawn). Per-modality values of -1 (p) or 0 (depth,
 * branching) inherit the common one. {@code model} names a JSON model file ({@link JghmModelJson}) that replaces the
 * generated one; {@code bp-p} >= 0 makes the oracle run BP with the matrices of that flip probability.
 */
public final class JghmDatasetProvider implements DatasetProvider {
    @Override
    public String name() {
        return "jghm";
    }

    @Override
    public String description() {
        return "joint generative hierarchical model: paired image/text token trees with a shared root, exact BP oracle";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("states", 10, "S, values per node").atLeast(1),
                ParameterSpec.ofInt("depth", 4, "L, tree depth (both trees)").atLeast(1),
                ParameterSpec.ofInt("branching", 3, "m, children per node (both trees)").atLeast(1),
                ParameterSpec.ofDouble("p", 0.2, "flip probability (both trees)").in(Range.closed(0, 1)),
                ParameterSpec.ofInt("text-depth", 0, "L of the text tree; 0 = depth").nonNegative(),
                ParameterSpec.ofInt("text-branching", 0, "m of the text tree; 0 = branching").nonNegative(),
                ParameterSpec.ofDouble("text-p", -1, "p of the text tree; -1 = p").in(Range.closed(0, 1).orExactly(-1)),
                ParameterSpec.ofInt("image-depth", 0, "L of the image tree; 0 = depth").nonNegative(),
                ParameterSpec.ofInt("image-branching", 0, "m of the image tree; 0 = branching").nonNegative(),
                ParameterSpec.ofDouble("image-p", -1, "p of the image tree; -1 = p").in(Range.closed(0, 1).orExactly(-1)),
                ParameterSpec.ofDouble("noise-scale", 1.0, "sigma of the image-leaf Gaussian noise (leaf units)").positive(),
                ParameterSpec.ofInt("seed", 0, "seed of the transition matrices"),
                ParameterSpec.ofString("model", "", "JSON model file to load instead of generating; empty = none"),
                ParameterSpec.ofChoice("pairing", "paired: shared root; unpaired: independent roots", "paired",
                        "unpaired"),
                ParameterSpec.ofInt("candidates", 1, "K >= 2 gives K-candidate contrastive groups [n, K, ...]").atLeast(1),
                ParameterSpec.ofDouble("bp-p", -1, "oracle runs BP with the matrices of this p; -1 = the data's")
                        .in(Range.closed(0, 1).orExactly(-1)));
    }

    @Override
    public void validate(PluginConfig c) {
        if (c.getInt("candidates") > 1 && !c.getString("pairing").equals("paired")) {
            throw c.invalid("candidates", "must be 1 with pairing=unpaired (K >= 2 groups need paired data)");
        }
    }

    @Override
    public Dataset create(PluginConfig c) {
        JghmModel model;
        String file = c.getString("model");
        if (!file.isEmpty()) {
            try {
                model = JghmModelJson.load(Path.of(file));
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read JGHM model " + file, e);
            }
        } else {
            double p = c.getDouble("p");
            model = TransitionMatrixGenerator.generate(new JghmSpec(c.getInt("states"),
                    orElse(c.getInt("text-depth"), c.getInt("depth")),
                    orElse(c.getInt("text-branching"), c.getInt("branching")),
                    orElse(c.getInt("image-depth"), c.getInt("depth")),
                    orElse(c.getInt("image-branching"), c.getInt("branching")),
                    c.getDouble("text-p") < 0 ? p : c.getDouble("text-p"),
                    c.getDouble("image-p") < 0 ? p : c.getDouble("image-p"),
                    c.getDouble("noise-scale"), c.getLong("seed")));
        }
        double bpP = c.getDouble("bp-p");
        JghmModel belief;
        try {
            belief = bpP < 0 ? model : model.withP(bpP);
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw c.invalid("bp-p", e.getMessage());
        }
        Pairing pairing = Pairing.valueOf(c.getString("pairing").toUpperCase(Locale.ROOT));
        return new JghmDataset(model, belief, pairing, c.getInt("candidates"));
    }

    private static int orElse(int specific, int common) {
        return specific > 0 ? specific : common;
    }
}
