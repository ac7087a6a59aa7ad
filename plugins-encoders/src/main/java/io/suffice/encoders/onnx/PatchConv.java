package io.suffice.encoders.onnx;

import io.suffice.api.graph.Graph;
import io.suffice.api.graph.ImportedNode;
import io.suffice.api.graph.Operator;
import io.suffice.api.graph.Value;

/**
 * Imports a "patch embedding" convolution, the only {@code Conv} ViT and CLIP image towers use: 2-D, kernel equal
 * to stride, no padding, no dilation, one group. Such a convolution cuts the image into non-overlapping patches and
 * applies one linear map to each, so it is rebuilt from operators that have gradient rules:
 * {@code x [B, C, H, W] -> Reshape [B, C, H/k, k, W/k, k] -> Transpose [B, H/k, W/k, C, k, k] ->
 * Reshape [B, H/k, W/k, C k k] -> MatMul W^T (+ bias) -> Transpose [B, O, H/k, W/k]}.
 * The batch dimension may be symbolic; C, H and W must be static. Stateless.
 */
final class PatchConv {
    private PatchConv() {
    }

    /** The Conv operator as the importer knows it: patch convolutions only, differentiated through its parts. */
    static final Operator OPERATOR = Operator.define("Conv")
            .imports((g, n) -> build(g, n, n.in(0), n.in(1), n.in(2)))
            .checks(PatchConv::whyNot)
            .noGradient("rebuilt from Reshape, Transpose, MatMul and Add");

    /** Why {@code n} is not a patch convolution, or null when it is. */
    static String whyNot(ImportedNode n) {
        long[] k = n.attrLongs("kernel_shape", null);
        long[] s = n.attrLongs("strides", null);
        long[] p = n.attrLongs("pads", null);
        long[] d = n.attrLongs("dilations", null);
        long group = n.attrLong("group", 1);
        String autoPad = n.attrString("auto_pad", "NOTSET");
        if (k == null || k.length != 2) {
            return "only 2-D convolutions with a kernel_shape attribute import";
        }
        if (s == null || s.length != 2 || s[0] != k[0] || s[1] != k[1]) {
            return "only patch convolutions (stride = kernel) import";
        }
        if ((p != null && java.util.Arrays.stream(p).anyMatch(v -> v != 0))
                || !(autoPad.equals("NOTSET") || autoPad.equals("VALID"))) {
            return "only unpadded convolutions import";
        }
        if ((d != null && java.util.Arrays.stream(d).anyMatch(v -> v != 1)) || group != 1) {
            return "only undilated, single-group convolutions import";
        }
        return null;
    }

    /**
     * @param x    [B, C, H, W]
     * @param w    [O, C, k_h, k_w]
     * @param bias [O] or null
     * @return [B, O, H / k_h, W / k_w]
     */
    static Value build(Graph g, ImportedNode n, Value x, Value w, Value bias) {
        String why = whyNot(n);
        if (why != null) {
            throw new IllegalArgumentException(why);
        }
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("expected a [B, C, H, W] input and [O, C, kh, kw] weight, got " + x
                    + " and " + w);
        }
        long c = x.shape().dim(1);
        long h = x.shape().dim(2);
        long wd = x.shape().dim(3);
        long o = w.shape().dim(0);
        long kh = w.shape().dim(2);
        long kw = w.shape().dim(3);
        if (c < 0 || h < 0 || wd < 0 || h % kh != 0 || wd % kw != 0 || w.shape().dim(1) != c) {
            throw new IllegalArgumentException("patch convolution needs static C, H, W divisible by the kernel; got "
                    + x + " with weight " + w);
        }
        long hp = h / kh;
        long wp = wd / kw;
        Value patches = g.reshape(x, 0, c, hp, kh, wp, kw);
        Value t = g.transpose(patches, 0, 2, 4, 1, 3, 5);
        Value flat = g.reshape(t, 0, hp, wp, c * kh * kw);
        Value wt = g.transpose(g.reshape(w, o, c * kh * kw), 1, 0);
        Value y = g.matMul(flat, wt);
        if (bias != null) {
            y = g.add(y, bias);
        }
        return g.transpose(y, 0, 3, 1, 2);
    }
}
