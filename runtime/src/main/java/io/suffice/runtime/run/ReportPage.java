package io.suffice.runtime.run;

import io.suffice.api.io.AtomicFiles;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The {@code report.html} of a run folder or a reproduction: one self-contained page (no network, no external
 * files needed to view it) with the config, the status, the summary table, the verdicts, every figure inline (PNG as
 * a data URI) and relative links to the CSV files and sub-reports. Built from what is on disk, so any command that
 * fills a run folder (run, a sweep collected later, reproduce) can write it. A short inline script marks an image
 * that fails to load and records on {@code <body>} how many loaded ({@code data-images-loaded},
 * {@code data-images-total}), which the browser test reads.
 */
public final class ReportPage {
    /** The page's file name. */
    public static final String FILE = "report.html";

    private ReportPage() {
    }

    /**
     * One figure of a reproduction.
     *
     * @param id          figure id
     * @param claim       the claim tested
     * @param source      the paper figure and our changes
     * @param wallSeconds wall time of the figure's parts and judging
     * @param folder      the figure's folder (its panels, and its parts' run folders)
     * @param verdicts    rows {figure, claim, measured, expected, verdict, detail}
     */
    public record FigureSection(String id, String claim, String source, double wallSeconds, Path folder,
                                List<String[]> verdicts) {
    }

    /**
     * Writes {@code report.html} into a run folder: for a sweep (a folder with arm sub-folders) the arms' status and
     * summaries as one table and a page per arm; for a single run its status and summary.
     */
    public static void forRun(Path folder) {
        List<Path> arms = armFolders(folder);
        StringBuilder body = new StringBuilder();
        body.append("<h1>").append(esc(folder.getFileName().toString())).append("</h1>\n");
        if (arms.isEmpty()) {
            body.append(statusAndSummary(folder));
        } else {
            body.append("<h2>Arms</h2>\n").append(armTable(folder, arms));
            for (Path arm : arms) {
                writeArm(arm, folder);
            }
        }
        body.append(verdictsIfAny(folder));
        body.append(figures(folder));
        body.append(links(folder));
        body.append(config(folder));
        AtomicFiles.writeString(folder.resolve(FILE), page(folder.getFileName().toString(), body.toString()));
    }

    /** The page of one arm of a sweep, with a link back to the sweep's page. */
    private static void writeArm(Path arm, Path sweep) {
        StringBuilder body = new StringBuilder();
        body.append("<p><a href=\"../").append(FILE).append("\">&larr; sweep ").append(esc(sweep.getFileName()
                .toString())).append("</a></p>\n");
        body.append("<h1>").append(esc(arm.getFileName().toString())).append("</h1>\n");
        body.append(statusAndSummary(arm));
        body.append(figures(arm));
        body.append(links(arm));
        body.append(config(arm));
        AtomicFiles.writeString(arm.resolve(FILE), page(arm.getFileName().toString(), body.toString()));
    }

    /** Writes {@code report.html} of a reproduction folder. */
    public static void forReproduction(Path out, String scale, List<FigureSection> sections) {
        StringBuilder body = new StringBuilder();
        body.append("<h1>Reproduction (scale: ").append(esc(scale)).append(")</h1>\n");
        body.append("<p>Verdicts: <a href=\"verdicts.csv\">verdicts.csv</a>; wall times: "
                + "<a href=\"timings.csv\">timings.csv</a>. The rules are stated in docs/REPRODUCTION.md.</p>\n");
        body.append("<table><tr><th>figure</th><th>claim</th><th>measured</th><th>expected</th><th>verdict</th>"
                + "<th>detail</th></tr>\n");
        for (FigureSection s : sections) {
            for (String[] v : s.verdicts()) {
                body.append(verdictRow(v));
            }
        }
        body.append("</table>\n");
        for (FigureSection s : sections) {
            body.append("<h2 id=\"").append(esc(s.id())).append("\">").append(esc(s.id())).append("</h2>\n");
            body.append("<p><b>Claim:</b> ").append(esc(s.claim())).append("<br><b>Source:</b> ")
                    .append(esc(s.source())).append("<br><b>Wall time:</b> ")
                    .append(String.format(Locale.ROOT, "%.0f s", s.wallSeconds())).append("</p>\n");
            body.append(figures(s.folder()));
            body.append("<p>Runs: ");
            for (Path run : subfolders(s.folder())) {
                String rel = out.relativize(run).toString().replace('\\', '/');
                body.append("<a href=\"").append(escAttr(rel)).append('/').append(FILE).append("\">")
                        .append(esc(run.getFileName().toString())).append("</a> ");
                if (Files.isRegularFile(run.resolve("sweep.csv"))) {
                    body.append("(<a href=\"").append(escAttr(rel)).append("/sweep.csv\">sweep.csv</a>) ");
                }
            }
            body.append("</p>\n");
        }
        AtomicFiles.writeString(out.resolve(FILE), page("reproduction", body.toString()));
    }

    private static String verdictRow(String[] v) {
        StringBuilder sb = new StringBuilder("<tr>");
        for (int i = 0; i < v.length; i++) {
            if (i == 4) {
                sb.append("<td class=\"v-").append(escAttr(v[i])).append("\">").append(esc(v[i])).append("</td>");
            } else {
                sb.append("<td>").append(esc(v[i])).append("</td>");
            }
        }
        return sb.append("</tr>\n").toString();
    }

    private static String verdictsIfAny(Path folder) {
        Path csv = folder.resolve("verdicts.csv");
        if (!Files.isRegularFile(csv)) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2>Verdicts</h2>\n<table><tr><th>figure</th><th>claim</th>"
                + "<th>measured</th><th>expected</th><th>verdict</th><th>detail</th></tr>\n");
        List<String[]> rows = readCsv(csv);
        for (String[] cells : rows.subList(Math.min(1, rows.size()), rows.size())) {
            if (cells.length == 6) {
                sb.append(verdictRow(cells));
            }
        }
        return sb.append("</table>\n").toString();
    }

    private static String statusAndSummary(Path dir) {
        Path json = dir.resolve("summary.json");
        if (!Files.isRegularFile(json)) {
            return "<p>Status: <b>unknown</b> (no summary.json: the run did not finish)</p>\n";
        }
        try {
            var tree = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.toFile());
            StringBuilder sb = new StringBuilder("<p>Status: <b class=\"s-")
                    .append(escAttr(tree.path("status").asText())).append("\">")
                    .append(esc(tree.path("status").asText())).append("</b>");
            if (tree.has("error")) {
                sb.append(" &mdash; ").append(esc(tree.path("error").asText()));
            }
            sb.append("</p>\n<h2>Summary</h2>\n<table><tr><th>figure</th><th>value</th></tr>\n");
            tree.path("summary").fields().forEachRemaining(e -> sb.append("<tr><td>").append(esc(e.getKey()))
                    .append("</td><td>").append(esc(e.getValue().asText())).append("</td></tr>\n"));
            return sb.append("</table>\n").toString();
        } catch (IOException e) {
            return "<p>Status: <b>unreadable summary.json</b> (" + esc(e.getMessage()) + ")</p>\n";
        }
    }

    /** One row per arm: label, status and every summary figure (from sweep.csv when present). */
    private static String armTable(Path folder, List<Path> arms) {
        Path csv = folder.resolve("sweep.csv");
        StringBuilder sb = new StringBuilder("<table>\n");
        if (Files.isRegularFile(csv)) {
            List<String[]> rows = readCsv(csv);
            for (int i = 0; i < rows.size(); i++) {
                String[] cells = rows.get(i);
                sb.append("<tr>");
                for (int c = 0; c < cells.length; c++) {
                    String cell = esc(cells[c]);
                    if (i > 0 && c == 0) {
                        cell = "<a href=\"" + escAttr(cells[0]) + "/" + FILE + "\">" + cell + "</a>";
                    }
                    sb.append(i == 0 ? "<th>" : "<td>").append(cell).append(i == 0 ? "</th>" : "</td>");
                }
                sb.append("</tr>\n");
            }
        } else {
            sb.append("<tr><th>arm</th></tr>\n");
            for (Path arm : arms) {
                String name = arm.getFileName().toString();
                sb.append("<tr><td><a href=\"").append(escAttr(name)).append('/').append(FILE).append("\">")
                        .append(esc(name)).append("</a></td></tr>\n");
            }
        }
        return sb.append("</table>\n").toString();
    }

    /** Every PNG of {@code dir} (not of sub-folders), inline. */
    private static String figures(Path dir) {
        List<Path> pngs = list(dir).stream().filter(p -> p.getFileName().toString().endsWith(".png")).toList();
        if (pngs.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2>Figures</h2>\n<div class=\"figs\">\n");
        for (Path png : pngs) {
            try {
                String data = Base64.getEncoder().encodeToString(Files.readAllBytes(png));
                String name = png.getFileName().toString();
                sb.append("<figure><img alt=\"").append(escAttr(name)).append("\" src=\"data:image/png;base64,")
                        .append(data).append("\"><figcaption>").append(esc(name)).append("</figcaption></figure>\n");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + png, e);
            }
        }
        return sb.append("</div>\n").toString();
    }

    /** Relative links to the CSV and JSON files of {@code dir}. */
    private static String links(Path dir) {
        List<Path> files = list(dir).stream().filter(p -> {
            String n = p.getFileName().toString();
            return n.endsWith(".csv") || n.endsWith(".json") || n.equals("run.log");
        }).toList();
        if (files.isEmpty()) {
            return "";
        }
        StringBuilder sb = new StringBuilder("<h2>Files</h2>\n<ul>\n");
        for (Path f : files) {
            String n = f.getFileName().toString();
            sb.append("<li><a href=\"").append(escAttr(n)).append("\">").append(esc(n)).append("</a></li>\n");
        }
        return sb.append("</ul>\n").toString();
    }

    private static String config(Path dir) {
        Path yaml = dir.resolve("config.yaml");
        if (!Files.isRegularFile(yaml)) {
            return "";
        }
        try {
            return "<h2>Config</h2>\n<pre>" + esc(Files.readString(yaml)) + "</pre>\n";
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + yaml, e);
        }
    }

    private static List<Path> armFolders(Path folder) {
        return subfolders(folder).stream().filter(p -> Files.isRegularFile(p.resolve("config.yaml"))
                || Files.isRegularFile(p.resolve("summary.json"))).toList();
    }

    private static List<Path> subfolders(Path folder) {
        return list(folder).stream().filter(Files::isDirectory).toList();
    }

    private static List<Path> list(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    /** The rows of a CSV file (RFC 4180 quoting), header included. */
    private static List<String[]> readCsv(Path file) {
        try (MappingIterator<String[]> rows = new CsvMapper().readerFor(String[].class)
                .with(CsvParser.Feature.WRAP_AS_ARRAY).readValues(file.toFile())) {
            return rows.readAll();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static String page(String title, String body) {
        return "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + esc(title)
                + "</title>\n<style>\n"
                + "body{font-family:sans-serif;margin:1.5em;max-width:1400px}\n"
                + "table{border-collapse:collapse;margin:0.5em 0;font-size:0.9em}\n"
                + "td,th{border:1px solid #bbb;padding:0.2em 0.5em;text-align:left;vertical-align:top}\n"
                + ".v-holds{background:#d4f4d4}.v-fails{background:#f8d0d0}.v-inconclusive{background:#f4ecc8}\n"
                + ".s-ok{color:#070}.s-failed,.s-diverged{color:#a00}\n"
                + ".figs{display:flex;flex-wrap:wrap;gap:1em}figure{margin:0}img{max-width:640px;border:1px solid #ddd}\n"
                + "img.broken{outline:4px solid red}\n"
                + "pre{background:#f6f6f6;padding:0.5em;overflow:auto}\n"
                + "</style>\n</head>\n<body>\n" + body
                + "<script>\n"
                + "window.addEventListener('load', function () {\n"
                + "  var imgs = document.images, ok = 0;\n"
                + "  for (var i = 0; i < imgs.length; i++) {\n"
                + "    if (imgs[i].complete && imgs[i].naturalWidth > 0) { ok++; } else { imgs[i].className = 'broken'; }\n"
                + "  }\n"
                + "  document.body.setAttribute('data-images-loaded', String(ok));\n"
                + "  document.body.setAttribute('data-images-total', String(imgs.length));\n"
                + "});\n"
                + "</script>\n</body>\n</html>\n";
    }

    static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String escAttr(String s) {
        return esc(s).replace("\"", "&quot;").replace("'", "&#39;");
    }
}
