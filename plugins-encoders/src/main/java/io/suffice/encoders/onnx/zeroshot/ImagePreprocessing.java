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
 * the central {@code crop x crop} square, scale to [0, 1] and normalise each channel with {@code mean} and
 * {@code std}. The result is {@code FLOAT32 [batch, channels, crop, crop]} (channels first), the layout of CLIP image
 * towers; with one channel, images are read as grey levels (the raster of a grey image as stored, else the luma
 * 0.299 R + 0.587 G + 0.114 B). Immutable and thread-safe.
 *
 * @param resize   target length of the shorter side, in pixels
 * @param crop     side of the central square crop, at most {@code resize}
 * @param channels 3 (RGB) or 1 (grey)
 * @param mean     per-channel mean subtracted after scaling to [0, 1]: one value per channel, or one for all
 * @param std      per-channel standard deviation divided by, likewise
 */
public record ImagePreprocessing(int resize, int crop, int channels, double[] mean, double[] std) {
    /** OpenAI CLIP's normalisation constants. */
    public static final double[] CLIP_MEAN = {0.48145466, 0.4578275, 0.40821073};
    public static final double[] CLIP_STD = {0.26862954, 0.26130258, 0.27577711};

    /** CLIP's channel means for 3 channels; for 1 (grey, read as luma) their luma 0.299 R + 0.587 G + 0.114 B. */
    public static double[] clipMean(int channels) {
        return channels == 1 ? new double[]{luma(CLIP_MEAN)} : CLIP_MEAN.clone();
    }

    /** CLIP's channel standard deviations, likewise (their luma for grey images). */
    public static double[] clipStd(int channels) {
        return channels == 1 ? new double[]{luma(CLIP_STD)} : CLIP_STD.clone();
    }

    private static double luma(double[] rgb) {
        return 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    }

    public ImagePreprocessing {
        if (resize <= 0 || crop <= 0 || crop > resize) {
            throw new IllegalArgumentException("need 0 < crop <= resize, got resize " + resize + ", crop " + crop);
        }
        if (channels != 1 && channels != 3) {
            throw new IllegalArgumentException("images have 1 or 3 channels, got " + channels);
        }
        mean = perChannel(mean, channels, "mean");
        std = perChannel(std, channels, "std");
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std must be positive, got " + s);
            }
        }
    }

    /** RGB preprocessing. */
    public ImagePreprocessing(int resize, int crop, double[] mean, double[] std) {
        this(resize, crop, 3, mean, std);
    }

    private static double[] perChannel(double[] v, int channels, String what) {
        if (v.length == channels) {
            return v.clone();
        }
        if (v.length == 1) {
            double[] out = new double[channels];
            java.util.Arrays.fill(out, v[0]);
            return out;
        }
        throw new IllegalArgumentException(what + " needs 1 or " + channels + " values, got " + v.length);
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
            resized = new BufferedImage(nw, nh, img.getType() == BufferedImage.TYPE_BYTE_GRAY
                    ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_INT_RGB);
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

    /** Preprocesses {@code images} into one {@code FLOAT32 [n, channels, crop, crop]} batch. */
    public HostTensor toTensor(List<BufferedImage> images) {
        HostTensor t = HostTensor.zeros(DType.FLOAT32, Shape.of(images.size(), channels, crop, crop));
        var b = t.floats();
        int plane = crop * crop;
        for (int n = 0; n < images.size(); n++) {
            BufferedImage img = resizeAndCrop(images.get(n));
            boolean grayRaster = channels == 1 && img.getRaster().getNumBands() == 1
                    && img.getRaster().getSampleModel().getSampleSize(0) == 8;
            for (int y = 0; y < crop; y++) {
                for (int x = 0; x < crop; x++) {
                    double[] c;
                    if (grayRaster) {
                        c = new double[]{img.getRaster().getSample(x, y, 0)};
                    } else {
                        int rgb = img.getRGB(x, y);
                        int r = (rgb >> 16) & 0xff;
                        int gr = (rgb >> 8) & 0xff;
                        int bl = rgb & 0xff;
                        c = channels == 3 ? new double[]{r, gr, bl} : new double[]{0.299 * r + 0.587 * gr + 0.114 * bl};
                    }
                    for (int ch = 0; ch < channels; ch++) {
                        b.put(n * channels * plane + ch * plane + y * crop + x,
                                (float) ((c[ch] / 255.0 - mean[ch]) / std[ch]));
                    }
                }
            }
        }
        return t;
    }
}
