package io.suffice.distribution;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.suffice.encoders.onnx.OnnxModelInspector;
import io.suffice.runtime.config.ConfigTree;
import io.suffice.runtime.engine.Checkpoints;

import javax.imageio.ImageIO;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Checks on run folders that faults (kills, full or read-only disks) left behind. */
final class RunFolders {
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunFolders() {
    }

    /** Asserts every file of {@code folder} is whole; returns which files there were. */
    static String checkWhole(Path folder) throws IOException {
        List<String> names = new ArrayList<>();
        try (Stream<Path> s = Files.list(folder)) {
            for (Path f : s.sorted().toList()) {
                String n = f.getFileName().toString();
                names.add(n);
                if (n.endsWith(".suffice-tmp")) {
                    continue; // an interrupted atomic write: never a result, removed when the folder is used again
                }
                if (n.equals("config.yaml")) {
                    ConfigTree.read(f);
                } else if (n.equals("summary.json")) {
                    JsonNode j = JSON.readTree(f.toFile());
                    assertThat(j.path("status").asText()).as(n).isNotEmpty();
                } else if (n.equals("checkpoint.safetensors")) {
                    Checkpoints.read(f);
                } else if (n.endsWith(".png")) {
                    assertThat(ImageIO.read(f.toFile())).as(n).isNotNull();
                } else if (n.endsWith(".onnx")) {
                    OnnxModelInspector.parse(f);
                } else if (n.equals("metrics.csv")) {
                    checkCsv(f);
                } else if (n.endsWith(".json")) {
                    JSON.readTree(f.toFile());
                }
            }
        }
        String step = names.contains("checkpoint.safetensors")
                ? " (checkpoint at step " + Checkpoints.metadata(folder.resolve("checkpoint.safetensors")).get("step")
                + ")" : "";
        return "files " + names + step + " whole";
    }

    /** Every line but a last one cut by the kill has the header's number of cells. */
    static void checkCsv(Path f) throws IOException {
        String text = Files.readString(f, StandardCharsets.UTF_8);
        List<String> lines = text.lines().toList();
        if (lines.isEmpty()) {
            return;
        }
        int cells = lines.get(0).split(",", -1).length;
        int complete = text.endsWith("\n") ? lines.size() : lines.size() - 1;
        for (String line : lines.subList(1, complete)) {
            assertThat(line.split(",", -1)).as(f + ": " + line).hasSize(cells);
        }
    }

    /** The rows of metrics.csv without the wall-clock column. */
    static List<String> trajectory(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        int rate = List.of(lines.get(0).split(",")).indexOf("steps_per_s");
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            List<String> cells = new ArrayList<>(List.of(line.split(",", -1)));
            if (rate >= 0 && cells.size() > rate) {
                cells.remove(rate);
            }
            out.add(String.join(",", cells));
        }
        return out;
    }

    static Path only(Path runs) throws IOException {
        try (Stream<Path> s = Files.list(runs)) {
            List<Path> l = s.toList();
            assertThat(l).as(runs.toString()).hasSize(1);
            return l.get(0);
        }
    }
}
