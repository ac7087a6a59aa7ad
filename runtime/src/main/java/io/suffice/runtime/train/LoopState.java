package io.suffice.runtime.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The training loop's own state at a step boundary, saved as the checkpoint metadata {@code loop} (JSON; doubles are
 * written with full precision, so the round trip is exact): the windows of the reported means, the sums and count
 * of the metrics row being accumulated, the last finite values (for a divergence report) and the listeners' states.
 *
 * @param windows    window states by reported name
 * @param rowSums    sums since the last metrics row by reported name
 * @param rowCount   measurements since the last metrics row
 * @param lastFinite the last finite measurement, or empty
 * @param listeners  listener states by listener name
 */
record LoopState(Map<String, double[]> windows, Map<String, Double> rowSums, long rowCount,
                 Map<String, Double> lastFinite, Map<String, double[]> listeners) {
    private static final ObjectMapper JSON = new ObjectMapper();

    String toJson() {
        ObjectNode n = JSON.createObjectNode();
        ObjectNode w = n.putObject("windows");
        windows.forEach((k, v) -> array(w, k, v));
        ObjectNode r = n.putObject("row_sums");
        rowSums.forEach(r::put);
        n.put("row_count", rowCount);
        ObjectNode f = n.putObject("last_finite");
        lastFinite.forEach(f::put);
        ObjectNode l = n.putObject("listeners");
        listeners.forEach((k, v) -> array(l, k, v));
        try {
            return JSON.writeValueAsString(n);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void array(ObjectNode parent, String key, double[] values) {
        var a = parent.putArray(key);
        for (double d : values) {
            a.add(d);
        }
    }

    /** @throws IllegalArgumentException when {@code json} is not a loop state */
    static LoopState fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            if (n == null || !n.isObject()) {
                throw new IllegalArgumentException("its loop state is not a JSON object");
            }
            Map<String, double[]> windows = arrays(n.path("windows"));
            Map<String, Double> sums = new LinkedHashMap<>();
            n.path("row_sums").properties().forEach(e -> sums.put(e.getKey(), e.getValue().asDouble()));
            Map<String, Double> finite = new LinkedHashMap<>();
            n.path("last_finite").properties().forEach(e -> finite.put(e.getKey(), e.getValue().asDouble()));
            return new LoopState(windows, sums, n.path("row_count").asLong(), finite, arrays(n.path("listeners")));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("its loop state is not valid JSON");
        }
    }

    private static Map<String, double[]> arrays(JsonNode obj) {
        Map<String, double[]> m = new LinkedHashMap<>();
        obj.properties().forEach(e -> {
            double[] v = new double[e.getValue().size()];
            for (int i = 0; i < v.length; i++) {
                v[i] = e.getValue().get(i).asDouble();
            }
            m.put(e.getKey(), v);
        });
        return m;
    }
}
