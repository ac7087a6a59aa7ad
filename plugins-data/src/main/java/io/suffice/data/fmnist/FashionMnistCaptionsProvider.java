package io.suffice.data.fmnist;

import io.suffice.api.data.Dataset;
import io.suffice.api.plugin.DatasetProvider;
import io.suffice.api.plugin.ParameterSpec;
import io.suffice.api.plugin.PluginConfig;
import io.suffice.api.plugin.Range;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Plugin {@code fashion-mnist-captions}: see {@link FashionMnistCaptions}. */
public final class FashionMnistCaptionsProvider implements DatasetProvider {
    @Override
    public String name() {
        return "fashion-mnist-captions";
    }

    @Override
    public String description() {
        return "Fashion-MNIST (image, caption) pairs from class-name templates, with class names, tokenized prompts "
                + "and the test split for zero-shot evaluation (Debian package dataset-fashion-mnist)";
    }

    @Override
    public List<ParameterSpec> parameters() {
        return List.of(
                ParameterSpec.ofInt("images", 60000, "training images used (the first of the train split)")
                        .in(Range.closed(1, 60000)),
                ParameterSpec.ofString("caption-templates", String.join("|", FashionMnistCaptions.CAPTION_TEMPLATES),
                        "caption templates separated by |, {} is the class name"),
                ParameterSpec.ofString("prompt-templates", String.join("|", FashionMnistCaptions.PROMPT_TEMPLATES),
                        "zero-shot prompt templates separated by |"),
                ParameterSpec.ofInt("context", 8, "tokens per caption (cut or padded with <pad> = 0)")
                        .in(Range.closed(1, 64)),
                ParameterSpec.ofString("directory", FashionMnistSubset.DEFAULT_DIRECTORY,
                        "folder of the IDX files of both splits (plain or .gz)"));
    }

    @Override
    public void validate(PluginConfig c) {
        templates(c, "caption-templates");
        templates(c, "prompt-templates");
    }

    @Override
    public Dataset create(PluginConfig c) {
        List<String> captions = templates(c, "caption-templates");
        List<String> prompts = templates(c, "prompt-templates");
        return new FashionMnistCaptions(Path.of(c.getString("directory")), c.getInt("images"), captions, prompts,
                c.getInt("context"));
    }

    private static List<String> templates(PluginConfig c, String key) {
        List<String> out = new ArrayList<>();
        for (String t : c.getString(key).split("\\|")) {
            if (!t.isBlank()) {
                if (!t.contains("{}")) {
                    throw c.invalid(key, "template \"" + t.strip() + "\" has no {} for the class name");
                }
                out.add(t.strip());
            }
        }
        if (out.isEmpty()) {
            throw c.invalid(key, "needs at least one template");
        }
        return out;
    }
}
