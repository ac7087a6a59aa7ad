package io.suffice.runtime.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where a step's time goes, per ONNX operator type, read from ONNX Runtime's own profiler output (the Chrome-trace
 * JSON that {@code SessionOptions.enableProfiling} writes, one file per session). Kernel events
 * ({@code cat: "Node"}, name ending in {@code _kernel_time}) are summed by {@code args.op_name}; events inside the
 * first {@code warmupRuns} {@code model_run} spans of each file are left out, so allocation and first-touch costs of
 * the warm-up steps do not count. Immutable.
 *
 * @param operators per operator type, largest total first
 * @param totalMs   sum of all counted kernel times
 * @param runs      counted {@code model_run} spans over all files
 */
public record OperatorProfile(List<OperatorTime> operators, double totalMs, int runs) {

    /**
     * @param op    ONNX operator type ({@code MatMul}, {@code com.microsoft} ops by their plain name)
     * @param calls kernel invocations counted
     * @param ms    summed kernel time
     */
    public record OperatorTime(String op, long calls, double ms) {
    }

    /** Reads every {@code ort-profile*.json} in {@code dir}. */
    public static OperatorProfile read(Path dir, int warmupRuns) {
        Map<String, long[]> calls = new HashMap<>();
        Map<String, Double> micros = new HashMap<>();
        int runs = 0;
        ObjectMapper json = new ObjectMapper();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path f : files.filter(p -> p.getFileName().toString().startsWith("ort-profile")
                    && p.getFileName().toString().endsWith(".json")).sorted().toList()) {
                JsonNode events = json.readTree(f.toFile());
                List<double[]> spans = new ArrayList<>();
                for (JsonNode e : events) {
                    if (e.path("name").asText().equals("model_run")) {
                        spans.add(new double[]{e.path("ts").asDouble(), e.path("ts").asDouble() + e.path("dur")
                                .asDouble()});
                    }
                }
                spans.sort(Comparator.comparingDouble(s -> s[0]));
                double countFrom = warmupRuns == 0 ? Double.NEGATIVE_INFINITY
                        : spans.size() <= warmupRuns ? Double.POSITIVE_INFINITY : spans.get(warmupRuns - 1)[1];
                runs += Math.max(0, spans.size() - warmupRuns);
                for (JsonNode e : events) {
                    String name = e.path("name").asText();
                    if (!e.path("cat").asText().equals("Node") || !name.endsWith("_kernel_time")
                            || e.path("ts").asDouble() < countFrom) {
                        continue;
                    }
                    String op = e.path("args").path("op_name").asText("?");
                    calls.computeIfAbsent(op, k -> new long[1])[0]++;
                    micros.merge(op, e.path("dur").asDouble(), Double::sum);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ONNX Runtime profile in " + dir + ": " + e.getMessage(), e);
        }
        List<OperatorTime> ops = new ArrayList<>();
        double total = 0;
        for (var e : micros.entrySet()) {
            ops.add(new OperatorTime(e.getKey(), calls.get(e.getKey())[0], e.getValue() / 1000));
            total += e.getValue() / 1000;
        }
        ops.sort(Comparator.comparingDouble(OperatorTime::ms).reversed());
        return new OperatorProfile(List.copyOf(ops), total, runs);
    }

    /** The top {@code n} operators as a Markdown table: operator, calls per run, ms per run, share of kernel time. */
    public String table(int n) {
        StringBuilder b = new StringBuilder("| operator | calls/step | ms/step | share |\n|---|---|---|---|\n");
        int per = Math.max(runs, 1);
        for (OperatorTime o : operators.subList(0, Math.min(n, operators.size()))) {
            b.append(String.format(Locale.ROOT, "| %s | %d | %.3f | %.1f%% |%n", o.op(), o.calls() / per,
                    o.ms() / per, 100 * o.ms() / totalMs));
        }
        b.append(String.format(Locale.ROOT, "| all %d operator types | %d | %.3f | 100%% |%n", operators.size(),
                operators.stream().mapToLong(OperatorTime::calls).sum() / per, totalMs / per));
        return b.toString();
    }
}
