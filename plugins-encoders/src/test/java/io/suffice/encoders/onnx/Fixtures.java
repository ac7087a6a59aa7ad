package io.suffice.encoders.onnx;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.suffice.api.tensor.HostTensor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The committed ONNX fixtures (tools/fixtures/make_onnx_encoders.py, make_onnx_mlp.py) and their recorded data. */
final class Fixtures {
    private Fixtures() {
    }

    static Path file(String name) {
        try {
            return Path.of(Fixtures.class.getResource("/onnx/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(String name) {
        try {
            return new ObjectMapper().readTree(file(name).toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long[] shape(JsonNode n) {
        long[] s = new long[n.get("shape").size()];
        for (int i = 0; i < s.length; i++) {
            s[i] = n.get("shape").get(i).asLong();
        }
        return s;
    }

    static double[] doubles(JsonNode data) {
        double[] d = new double[data.size()];
        for (int i = 0; i < d.length; i++) {
            d[i] = data.get(i).asDouble();
        }
        return d;
    }

    static HostTensor floats(JsonNode n) {
        double[] d = doubles(n.get("data"));
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return HostTensor.of(f, shape(n));
    }

    static HostTensor longs(JsonNode n) {
        JsonNode data = n.get("data");
        long[] l = new long[data.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = data.get(i).asLong();
        }
        return HostTensor.of(l, shape(n));
    }

    /** Largest |a - b| / (1 + |b|) over all entries. */
    static double maxRelErr(double[] a, double[] b) {
        if (a.length != b.length) {
            throw new AssertionError(a.length + " vs " + b.length + " values");
        }
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - b[i]) / (1 + Math.abs(b[i])));
        }
        return m;
    }
}
