package io.suffice.data.fmnist;

import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.ParameterType;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.PluginConfig;

import java.nio.file.Path;
import java.util.List;

/** Plugin {@code fashion-mnist}: see {@link FashionMnistSubset}. */
public final class FashionMnistSubsetProvider implements DatasetProvider {
    @Override
    public String name() {
        return "fashion-mnist";
    }

    @Override
    public String description() {
        return "two-class Fashion-MNIST subset (784 pixels, ||x|| <= 1) from the Debian package dataset-fashion-mnist";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofIntList("classes", List.of(0L, 2L),
                        "two class indices 0..9: first labelled +1, second -1 (0 T-shirt, 2 Pullover, ...)")
                        .in(io.suffice.api.plugin.Range.closed(0, 9)),
                ParameterSpec.ofInt("n", 500, "number of images (half from each class)").atLeast(2),
                ParameterSpec.ofInt("test-n", 0, "held-out images of the two classes from the other split, for "
                        + "test accuracy (0: none)").nonNegative(),
                ParameterSpec.ofChoice("split", "which files: train (60000 images) or test (10000)", "train", "test"),
                new ParameterSpec("preprocessing", ParameterType.STRING, "max-norm",
                        "pixels/255, then: max-norm (one factor, max ||x|| = 1), unit-norm (each ||x|| = 1), "
                                + "center-max-norm (subtract mean image, then max-norm)", Preprocessing.labels()),
                ParameterSpec.ofString("directory", FashionMnistSubset.DEFAULT_DIRECTORY,
                        "folder of the IDX files (plain or .gz)"),
                ParameterSpec.ofInt("seed", 0, "seed of the subset choice"));
    }

    @Override
    public void validate(PluginConfig c) {
        List<Long> classes = c.getLongList("classes");
        if (classes.size() != 2 || classes.get(0).equals(classes.get(1))) {
            throw c.invalid("classes", "need two different class indices");
        }
    }

    @Override
    public Dataset create(PluginConfig c) {
        List<Long> classes = c.getLongList("classes");
        FashionMnistSubset.Split split = c.getString("split").equals("test")
                ? FashionMnistSubset.Split.TEST : FashionMnistSubset.Split.TRAIN;
        Preprocessing pre;
        try {
            pre = Preprocessing.fromLabel(c.getString("preprocessing"));
        } catch (IllegalArgumentException e) {
            throw c.invalid("preprocessing", e.getMessage());
        }
        return new FashionMnistSubset(Path.of(c.getString("directory")), split, classes.get(0).intValue(),
                classes.get(1).intValue(), c.getInt("n"), c.getInt("test-n"), pre, c.getLong("seed"));
    }
}
