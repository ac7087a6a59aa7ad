package io.suffice.encoders.onnx.zeroshot;

import io.suffice.api.tensor.DType;
import io.suffice.api.tensor.HostTensor;
import io.suffice.api.tensor.Shape;

import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.util.List;

/**
 * CLIP-style image preprocessing: resize so the shorter side is {@code resize} pixels (bicubic, aspect kept), crop
 * the central {@code crop x crop} square, scale RGB to [0, 1] and normalise each channel with {@code mean} and
 * {@code std}. The result is {@code FLOAT32 [batch, 3, crop, crop]} (channels first), the layout of CLIP image
 * towers. Immutable and thread-safe.
 *
 * @param resize target length of the shorter side, in pixels
 * @param crop   side of the central square crop, at most {@code resize}
 * @param mean   per-channel mean (R, G, B) subtracted after scaling to [0, 1]
 * @param std    per-channel standard deviation divided by
 */
public record ImagePreprocessing(int resize, int crop, double[] mean, double[] std) {
    /** OpenAI CLIP's normalisation constants. */
    public static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    public static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    public ImagePreprocessing {
        if (resize <= 0 || crop <= 0 || crop > resize) {
            throw new IllegalArgumentException("need 0 < crop <= resize, got resize " + resize + ", crop " + crop);
        }
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values (R, G, B)");
        }
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + s);
            }
        }
        mean = mean.clone();
        std = std.clone();
    }

    /** The shorter side resized to {@code resize}, then the central {@code crop} square. */
    public BufferedImage resizeAndCrop(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        double scale = (double) resize / Math.min(w, h);
        int nw = Math.max(resize, (int) Math.round(w * scale));
        int nh = Math.max(resize, (int) Math.round(h * scale));
        BufferedImage resized = img;
        if (nw != w || nh != h) {
            resized = new BufferedImage(nw, nh, BufferedImage.TYPE_INT_RGB);
            Graphics2D g = resized.createGraphics();
            try {
                g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
                g.drawImage(img, 0, 0, nw, nh, null);
            } finally {
                g.dispose();
            }
        }
        int x0 = (nw - crop) / 2;
        int y0 = (nh - crop) / 2;
        return resized.getSubimage(x0, y0, crop, crop);
    }

    /** Preprocesses {@code images} into one {@code FLOAT32 [n, 3, crop, crop]} batch. */
    public HostTensor toTensor(List<BufferedImage> images) {
        HostTensor t = HostTensor.zeros(DType.FLOAT32, Shape.of(images.size(), 3, crop, crop));
        var b = t.floats();
        int plane = crop * crop;
        for (int n = 0; n < images.size(); n++) {
            BufferedImage img = resizeAndCrop(images.get(n));
            for (int y = 0; y < crop; y++) {
                for (int x = 0; x < crop; x++) {
                    int rgb = img.getRGB(x, y);
                    int[] c = {(rgb >> 16) & 0xff, (rgb >> 8) & 0xff, rgb & 0xff};
                    for (int ch = 0; ch < 3; ch++) {
                        b.put(n * 3 * plane + ch * plane + y * crop + x,
                                (float) ((c[ch] / 255.0 - mean[ch]) / std[ch]));
                    }
                }
            }
        }
        return t;
    }
}
