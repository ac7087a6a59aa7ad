package io.suffice.runtime.run;

import io.suffice.api.io.AtomicFiles;
import io.suffice.api.task.MetricsSink;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@link MetricsSink} appending to a CSV file: header {@code step,<names of the first row>}, one row per call. The
 * file is flushed at most once a second and on close, so a crashed run keeps nearly everything it logged. A resumed
 * run's file opens with the parent's header and rows; its own first row may bring columns the parent lacked (a
 * resume with another {@code task.log-every} adds or drops the loss's {@code _mean} column): they are appended to
 * the header, and rows without a column leave its cell empty. Thread-safe.
 */
public final class CsvMetricsSink implements MetricsSink, AutoCloseable {
    private static final long FLUSH_NANOS = 1_000_000_000L;

    private final Path file;
    private BufferedWriter out;
    private List<String> columns;
    /** Whether the header came from a parent run and this run has logged no row yet. */
    private boolean parentHeaderOnly;
    private long lastFlush = System.nanoTime();

    public CsvMetricsSink(Path file) {
        this.file = file;
    }

    /**
     * Opens the file with the header and the rows of {@code parentCsv} whose step is below {@code before} (a resumed
     * run's history), so the resumed run's file holds the whole curve. Must come before the first {@link #log}.
     */
    public synchronized void continueFrom(Path parentCsv, long before) {
        if (columns != null) {
            throw new IllegalStateException("rows were already logged to " + file);
        }
        try {
            String text = Files.readString(parentCsv, StandardCharsets.UTF_8);
            List<String> lines = new ArrayList<>(text.lines().toList());
            if (!text.endsWith("\n") && !lines.isEmpty()) {
                lines.remove(lines.size() - 1); // a row cut by a killed process
            }
            if (lines.isEmpty() || !lines.get(0).startsWith("step,")) {
                return;
            }
            columns = new ArrayList<>(List.of(lines.get(0).substring("step,".length()).split(",", -1)));
            parentHeaderOnly = true;
            out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            out.write(lines.get(0));
            out.newLine();
            for (String line : lines.subList(1, lines.size())) {
                int comma = line.indexOf(',');
                if (comma > 0 && Long.parseLong(line.substring(0, comma)) < before) {
                    out.write(line);
                    out.newLine();
                }
            }
        } catch (IOException | NumberFormatException e) {
            throw new UncheckedIOException("cannot read the metrics history " + parentCsv + ": " + e.getMessage(),
                    e instanceof IOException io ? io : new IOException(e));
        }
    }

    @Override
    public synchronized void log(long step, Map<String, Double> values) {
        try {
            if (columns == null) {
                columns = new ArrayList<>(values.keySet());
                out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
                out.write("step," + String.join(",", columns));
                out.newLine();
            } else if (!columns.containsAll(values.keySet())) {
                List<String> extra = new ArrayList<>(values.keySet());
                extra.removeAll(columns);
                if (!parentHeaderOnly) {
                    throw new IllegalArgumentException("metrics " + extra + " were not in the first row " + columns);
                }
                widen(extra);
            }
            parentHeaderOnly = false;
            StringBuilder sb = new StringBuilder(Long.toString(step));
            for (String c : columns) {
                Double v = values.get(c);
                sb.append(',');
                if (v != null) {
                    sb.append(format(v));
                }
            }
            out.write(sb.toString());
            out.newLine();
            long now = System.nanoTime();
            if (now - lastFlush > FLUSH_NANOS) {
                out.flush();
                lastFlush = now;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /**
     * Appends {@code extra} to the header of the file written so far (the parent's rows), each of its rows an empty
     * cell longer. Atomic: a kill leaves the file as it was or widened, never half-written.
     */
    private void widen(List<String> extra) throws IOException {
        out.close();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        StringBuilder text = new StringBuilder();
        String blanks = ",".repeat(extra.size());
        for (int i = 0; i < lines.size(); i++) {
            text.append(lines.get(i)).append(i == 0 ? "," + String.join(",", extra) : blanks)
                    .append(System.lineSeparator());
        }
        AtomicFiles.writeString(file, text.toString());
        columns.addAll(extra);
        out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    /** Writes the buffered rows to the file now. */
    public synchronized void flush() {
        if (out != null) {
            try {
                out.flush();
                lastFlush = System.nanoTime();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + file, e);
            }
        }
    }

    static String format(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return String.format(Locale.ROOT, "%.9g", v).replaceAll("(\\.\\d*?)0+(e|$)", "$1$2").replace(".e", "e")
                .replaceAll("\\.$", "");
    }

    @Override
    public synchronized void close() {
        if (out != null) {
            try {
                out.close();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot close " + file, e);
            }
        }
    }
}
