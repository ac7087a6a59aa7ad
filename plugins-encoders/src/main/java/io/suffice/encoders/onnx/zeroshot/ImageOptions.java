package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.graph.OnnxModelInfo;
import picocli.CommandLine.Option;

/**
 * The image preprocessing options {@code suffice zero-shot} and {@code suffice embed} share (a picocli mixin), so
 * both read images the same way: {@code --resize}, {@code --crop}, {@code --mean}, {@code --std}. Mutable only while
 * picocli fills it.
 */
public final class ImageOptions {
    @Option(names = "--resize", paramLabel = "PX", description = "shorter side after resizing (default: --crop)")
    Integer resize;

    @Option(names = "--crop", paramLabel = "PX",
            description = "centre crop side (default: the image model's fixed input size, else 224)")
    Integer crop;

    @Option(names = "--mean", paramLabel = "R,G,B", split = ",",
            description = "channel means, or one value for all (default: CLIP's; for a grey model their luma)")
    double[] mean;

    @Option(names = "--std", paramLabel = "R,G,B", split = ",",
            description = "channel stds, or one value for all (default: CLIP's; for a grey model their luma)")
    double[] std;

    /** How {@code input} (an image model's pixel input) wants its pixels, with {@code --crop} applied. */
    public ImageLayout layout(OnnxModelInfo.TensorSpec input) {
        return ImageLayout.of(input, crop);
    }

    /** The preprocessing for {@code layout}: CLIP's constants (their luma for grey) unless given. */
    public ImagePreprocessing preprocessing(ImageLayout layout) {
        return new ImagePreprocessing(resize != null ? resize : layout.side(), layout.side(), layout.channels(),
                mean != null ? mean : ImagePreprocessing.clipMean(layout.channels()),
                std != null ? std : ImagePreprocessing.clipStd(layout.channels()));
    }
}
