package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.graph.OnnxModelInfo;

/**
 * How an image tower wants its pixels, read from its declared input: {@code [batch, C, side, side]} (C = 1 or 3) or
 * flattened grey pixels {@code [batch, side * side]}.
 *
 * @param channels 1 or 3
 * @param side     image side after the centre crop
 * @param flat     feed {@code [batch, channels * side * side]} instead of {@code [batch, channels, side, side]}
 */
public record ImageLayout(int channels, int side, boolean flat) {

    /**
     * The layout of {@code input}; {@code crop} (may be null) overrides the side where the model leaves it open.
     *
     * @throws IllegalArgumentException for inputs that are not images
     */
    public static ImageLayout of(OnnxModelInfo.TensorSpec input, Integer crop) {
        if (input.rank() == 4) {
            int c = input.isFixed(1) ? Integer.parseInt(input.dims().get(1)) : 3;
            if (c != 1 && c != 3) {
                throw new IllegalArgumentException("image input " + input + " has " + c + " channels; expected 1 or 3");
            }
            int side = crop != null ? crop : input.isFixed(3) ? Integer.parseInt(input.dims().get(3)) : 224;
            return new ImageLayout(c, side, false);
        }
        if (input.rank() == 2 && input.isFixed(1)) {
            long d = Long.parseLong(input.dims().get(1));
            long side = Math.round(Math.sqrt(d));
            if (side * side != d) {
                throw new IllegalArgumentException("image input " + input + " is flat but " + d
                        + " is not a square number of grey pixels");
            }
            if (crop != null && crop != side) {
                throw new IllegalArgumentException("--crop " + crop + " does not fit image input " + input);
            }
            return new ImageLayout(1, (int) side, true);
        }
        throw new IllegalArgumentException("image input " + input + " is neither [batch, C, H, W] nor flattened grey "
                + "pixels [batch, H*W]");
    }
}
