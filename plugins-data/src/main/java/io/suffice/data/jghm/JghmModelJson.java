package io.suffice.data.jghm;

import io.suffice.api.io.AtomicFiles;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.suffice.api.oracle.Modality;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads and writes a {@link JghmModel} as JSON of the documented shape
 * <pre>{"S": 10, "L": 4, "m": 3, "p": 0.2, "text": T, "image": T}</pre>
 * where {@code T[l][c][a][b] = P(child in position c at depth l+1 takes value b | parent value a)}, {@code l} from
 * the root down, so that models written elsewhere (e.g. by a Python script) load unchanged. Optional extra keys:
 * {@code seed} (enables {@link JghmModel#withP}), {@code noise_scale} (default 1), and per-modality overrides
 * {@code text_L}, {@code text_m}, {@code text_p}, {@code image_L}, {@code image_m}, {@code image_p} (then the
 * top-level {@code L}, {@code m}, {@code p} may be absent). Unknown keys are ignored. Loading validates every shape
 * and row (see {@link TreeModel}); writing is atomic (temp file in the same folder, then rename). Stateless.
 */
public final class JghmModelJson {
    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private JghmModelJson() {
    }

    /** Writes {@code model} to {@code file} atomically. */
    public static void save(JghmModel model, Path file) throws IOException {
        try {
            AtomicFiles.writeString(file, toJson(model));
        } catch (java.io.UncheckedIOException e) {
            throw e.getCause();
        }
    }

    /** The JSON text of {@code model}. */
    public static String toJson(JghmModel model) {
        ObjectNode o = MAPPER.createObjectNode();
        TreeModel tx = model.text();
        TreeModel im = model.image();
        o.put("S", model.states());
        boolean balanced = tx.depth() == im.depth() && tx.branching() == im.branching();
        if (balanced) {
            o.put("L", tx.depth());
            o.put("m", tx.branching());
        } else {
            o.put("text_L", tx.depth());
            o.put("text_m", tx.branching());
            o.put("image_L", im.depth());
            o.put("image_m", im.branching());
        }
        if (model.p(Modality.TEXT) == model.p(Modality.IMAGE)) {
            o.put("p", model.p(Modality.TEXT));
        } else {
            o.put("text_p", model.p(Modality.TEXT));
            o.put("image_p", model.p(Modality.IMAGE));
        }
        o.put("noise_scale", model.noiseScale());
        model.seed().ifPresent(s -> o.put("seed", s));
        o.set("text", matrices(tx));
        o.set("image", matrices(im));
        try {
            return MAPPER.writeValueAsString(o) + "\n";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ArrayNode matrices(TreeModel tree) {
        ArrayNode layers = MAPPER.createArrayNode();
        double[][][][] t = tree.raw();
        for (double[][][] layer : t) {
            ArrayNode positions = layers.addArray();
            for (double[][] m : layer) {
                ArrayNode rows = positions.addArray();
                for (double[] row : m) {
                    ArrayNode r = rows.addArray();
                    for (double v : row) {
                        r.add(v);
                    }
                }
            }
        }
        return layers;
    }

    /**
     * Reads and validates a model file.
     *
     * @throws InvalidModelException if the content is malformed (message says where)
     * @throws IOException           if the file cannot be read
     */
    public static JghmModel load(Path file) throws IOException {
        String text = readText(file);
        try {
            return fromJson(text);
        } catch (InvalidModelException e) {
            throw new InvalidModelException(file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads a file holding one model, or several keyed by their flip probability ({@code {"0.1": {...}, "0.2":
     * {...}}}), as models by {@code p} (one model: keyed by its text tree's p), in increasing p.
     *
     * @throws InvalidModelException naming the file and, for a keyed file, the key of the malformed model
     * @throws IOException           if the file cannot be read
     */
    public static java.util.NavigableMap<Double, JghmModel> loadByP(Path file) throws IOException {
        String text = readText(file);
        java.util.NavigableMap<Double, JghmModel> out = new java.util.TreeMap<>();
        try {
            JsonNode root = parse(text);
            if (root.isObject() && !root.has("S") && root.size() > 0) {
                for (var e : root.properties()) {
                    double p;
                    try {
                        p = Double.parseDouble(e.getKey());
                    } catch (NumberFormatException ex) {
                        throw new InvalidModelException("key " + culprit(e.getKey()) + " is neither a model key (S, "
                                + "L, m, p, text, image) nor a flip probability p of a model");
                    }
                    try {
                        JghmModel m = fromNode(e.getValue());
                        if (out.put(p, m) != null) {
                            throw new InvalidModelException("p = " + p + " appears twice");
                        }
                    } catch (InvalidModelException ex) {
                        throw new InvalidModelException("model " + culprit(e.getKey()) + ": " + ex.getMessage(), ex);
                    }
                }
                return out;
            }
            JghmModel m = fromNode(root);
            out.put(m.p(Modality.TEXT), m);
            return out;
        } catch (InvalidModelException e) {
            throw new InvalidModelException(file + ": " + e.getMessage(), e);
        }
    }

    /** The file's text; bytes that are not UTF-8 are a defect of the model file, not an I/O failure. */
    private static String readText(Path file) throws IOException {
        try {
            return Files.readString(file);
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new InvalidModelException(file + ": not UTF-8 text, so not a JSON model file");
        }
    }

    /** Parses and validates model JSON. */
    public static JghmModel fromJson(String json) {
        return fromNode(parse(json));
    }

    private static JsonNode parse(String json) {
        JsonNode root;
        try {
            root = MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            var where = e.getLocation();
            String at = where == null ? "" : " at line " + where.getLineNr() + ", column " + where.getColumnNr();
            java.util.regex.Matcher token = java.util.regex.Pattern.compile("Non-standard token '([^']+)'")
                    .matcher(String.valueOf(e.getOriginalMessage()));
            if (token.find()) {
                throw new InvalidModelException(token.group(1) + at + ": a model file holds finite numbers only", e);
            }
            throw new InvalidModelException("not valid JSON" + at + ": " + e.getOriginalMessage(), e);
        }
        return root;
    }

    private static JghmModel fromNode(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidModelException("expected a JSON object with keys S, L, m, p, text, image");
        }
        int s = intKey(root, "S", null);
        TreeModel text = tree(root, Modality.TEXT, s);
        TreeModel image = tree(root, Modality.IMAGE, s);
        double textP = doubleKey(root, "p", "text_p");
        double imageP = doubleKey(root, "p", "image_p");
        double noise = root.has("noise_scale") ? number(root, "noise_scale").doubleValue() : 1.0;
        Long seed = root.has("seed") && !root.get("seed").isNull() ? number(root, "seed").longValue() : null;
        return new JghmModel(text, image, textP, imageP, noise, seed);
    }

    private static TreeModel tree(JsonNode root, Modality modality, int s) {
        String key = modality.label();
        int depth = intKey(root, "L", key + "_L");
        int m = intKey(root, "m", key + "_m");
        JsonNode t = root.get(key);
        if (t == null) {
            throw new InvalidModelException("missing key '" + key + "'");
        }
        if (!t.isArray()) {
            throw new InvalidModelException(key + ": expected an array of layers, found " + t.getNodeType());
        }
        double[][][][] out = new double[t.size()][][][];
        for (int l = 0; l < t.size(); l++) {
            JsonNode layer = t.get(l);
            String at = key + ": layer " + l;
            requireArray(layer, at);
            out[l] = new double[layer.size()][][];
            for (int c = 0; c < layer.size(); c++) {
                JsonNode mat = layer.get(c);
                String atc = at + ", position " + c;
                requireArray(mat, atc);
                out[l][c] = new double[mat.size()][];
                for (int a = 0; a < mat.size(); a++) {
                    JsonNode row = mat.get(a);
                    String atr = atc + ", row " + a;
                    requireArray(row, atr);
                    out[l][c][a] = new double[row.size()];
                    for (int b = 0; b < row.size(); b++) {
                        JsonNode v = row.get(b);
                        if (!v.isNumber()) {
                            throw new InvalidModelException(atr + " entry " + b + " is not a number: " + v);
                        }
                        out[l][c][a][b] = v.doubleValue();
                    }
                }
            }
        }
        return new TreeModel(modality, s, depth, m, out);
    }

    private static void requireArray(JsonNode n, String where) {
        if (n == null || !n.isArray()) {
            throw new InvalidModelException(where + " is not an array");
        }
    }

    private static int intKey(JsonNode root, String common, String specific) {
        String key = specific != null && root.has(specific) ? specific : common;
        JsonNode n = number(root, key);
        if (!n.canConvertToInt() || n.doubleValue() != n.intValue()) {
            throw new InvalidModelException("key '" + key + "' must be an integer, found " + culprit(n.toString()));
        }
        return n.intValue();
    }

    private static double doubleKey(JsonNode root, String common, String specific) {
        return number(root, root.has(specific) ? specific : common).doubleValue();
    }

    private static JsonNode number(JsonNode root, String key) {
        JsonNode n = root.get(key);
        if (n == null) {
            throw new InvalidModelException("missing key '" + key + "'");
        }
        if (!n.isNumber()) {
            throw new InvalidModelException("key '" + key + "' must be a number, found " + culprit(n.toString()));
        }
        return n;
    }

    /**
     * A key or value from the file, quoted, for a message: cut to 60 characters (a key can be as long as the file)
     * and with control characters written as Unicode escapes, so the message stays one short line.
     */
    static String culprit(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(60).forEach(c -> {
            if (Character.isISOControl(c)) {
                b.append(String.format("\\u%04x", c));
            } else {
                b.appendCodePoint(c);
            }
        });
        b.append('\'');
        long n = s.codePoints().count();
        return n > 60 ? b + " (" + n + " characters)" : b.toString();
    }
}
