package io.suffice.data.jghm.cli;

import io.suffice.api.plugin.CommandProvider;
import io.suffice.data.jghm.JghmModelJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

/** The {@code jghm} command classes run through picocli with captured output. */
class JghmCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    /** Runs the command with fresh standard output (errors accumulate). */
    private int run(String... args) {
        out.getBuffer().setLength(0);
        CommandLine cl = new CommandLine(new JghmCommandProvider().command());
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        return cl.execute(args);
    }

    @Test
    void providerIsDiscovered() {
        assertThat(ServiceLoader.load(CommandProvider.class).stream().map(p -> p.get().name())).contains("jghm");
    }

    @Test
    void bayesPrintsCsvAndWritesIt(@TempDir Path dir) throws Exception {
        Path csv = dir.resolve("bayes.csv");
        int rc = run("bayes", "--p", "0.1,0.3", "--samples", "300", "--format", "csv", "--out", csv.toString());
        assertThat(rc).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(3);
        // the columns of the risks on the class path (here the test's RootCrossEntropyRisk), each with its _se
        assertThat(lines.get(0)).isEqualTo("p,root_ce,root_ce_se");
        assertThat(lines.get(1)).startsWith("0.100000,");
        assertThat(lines.get(2)).startsWith("0.300000,");
        String[] row = lines.get(1).split(",");
        assertThat(Double.parseDouble(row[1])).isBetween(0.0, Math.log(10));
        // a cross-entropy of 300 draws has a standard error well above 0 and well below the value itself
        assertThat(Double.parseDouble(row[2])).isStrictlyBetween(0.0, Double.parseDouble(row[1]));
        assertThat(Files.readString(csv)).isEqualTo(out.toString());
    }

    @Test
    void bayesTableAndMisSpecifiedMode() {
        int rc = run("bayes", "--p", "0.1", "--bp-p", "0.3", "--samples", "200");
        assertThat(rc).as(err.toString()).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines.get(0)).startsWith("p ").contains(" bp_p ").endsWith("root_ce_se");
        assertThat(lines.get(1)).startsWith("0.1000").contains("0.3000");
    }

    @Test
    void withoutAnyBayesRiskOnTheClassPathItSaysSoAndExitsWith1() {
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        // a loader that sees no META-INF/services at all
        thread.setContextClassLoader(new java.net.URLClassLoader(new java.net.URL[0], null));
        try {
            assertThat(run("bayes", "--p", "0.1", "--samples", "10")).isEqualTo(1);
        } finally {
            thread.setContextClassLoader(before);
        }
        assertThat(err.toString()).contains("no Bayes risk on the class path");
    }

    @Test
    void bayesUsageErrorsExitWith2() {
        assertThat(run("bayes", "--p", "1.5")).isEqualTo(2);
        assertThat(err.toString()).contains("--p must be in [0, 1]");
        assertThat(run("bayes", "--samples", "0")).isEqualTo(2);
        assertThat(run("bayes", "--format", "xml")).isEqualTo(2);
        assertThat(run("bayes", "--no-such-option")).isEqualTo(2);
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required subcommand");
    }

    @Test
    void failuresExitWith1(@TempDir Path dir) throws Exception {
        assertThat(run("bayes", "--model", dir.resolve("missing.json").toString())).isEqualTo(1);
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, "{\"S\": 2}");
        assertThat(run("sample", "--model", bad.toString())).isEqualTo(1);
        assertThat(err.toString()).contains("missing key 'L'");
    }

    @Test
    void saveModelThenUseItAndRemixItAtAnotherP(@TempDir Path dir) throws Exception {
        Path model = dir.resolve("m.json");
        assertThat(run("save-model", "--p", "0.2", "--seed", "3", "--out", model.toString())).isZero();
        assertThat(JghmModelJson.load(model).seed()).hasValue(3);
        assertThat(Files.readString(model)).contains("\"S\" : 10", "\"L\" : 4", "\"m\" : 3", "\"p\" : 0.2");
        assertThat(run("bayes", "--model", model.toString(), "--samples", "100", "--format", "csv")).isZero();
        assertThat(out.toString().lines().toList().get(1)).startsWith("0.200000,");
        assertThat(run("bayes", "--model", model.toString(), "--p", "0.4", "--samples", "100")).isZero();
        assertThat(run("save-model", "--p", "0.2")).isEqualTo(2);
    }

    @Test
    void sampleWritesCsvAndJsonl(@TempDir Path dir) throws Exception {
        assertThat(run("sample", "-n", "3", "--format", "csv")).isZero();
        List<String> lines = out.toString().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).isEqualTo("i,image_root,text_root,image,text");
        String[] f = lines.get(1).split(",");
        assertThat(f[1]).isEqualTo(f[2]);
        assertThat(f[3].split(" ")).hasSize(81);
        Path jsonl = dir.resolve("s.jsonl");
        assertThat(run("sample", "-n", "2", "--unpaired", "--format", "jsonl", "--out", jsonl.toString())).isZero();
        List<String> json = Files.readAllLines(jsonl);
        assertThat(json).hasSize(2);
        var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json.get(0));
        assertThat(node.get("image")).hasSize(81);
        assertThat(node.get("image_noisy")).hasSize(81);
    }

    @Test
    void aFileOfModelsKeyedByPAndABpModelFileGiveTheSameTableAsTheGeneratedModels(@TempDir Path dir)
            throws Exception {
        Path m1 = dir.resolve("m1.json");
        Path m3 = dir.resolve("m3.json");
        String[] shape = {"--states", "3", "--depth", "2", "--branching", "2", "--seed", "5"};
        assertThat(run(concat(new String[]{"save-model", "--p", "0.1", "--out", m1.toString()}, shape))).isZero();
        assertThat(run(concat(new String[]{"save-model", "--p", "0.3", "--out", m3.toString()}, shape))).isZero();
        Path keyed = dir.resolve("keyed.json");
        Files.writeString(keyed, "{\"0.1\": " + Files.readString(m1) + ", \"0.3\": " + Files.readString(m3) + "}");

        // the keyed file's models are the generated ones, so the table is the same, row by row
        assertThat(run("bayes", "--model", keyed.toString(), "--samples", "300", "--format", "csv")).as(err.toString())
                .isZero();
        String fromFile = out.toString();
        assertThat(run(concat(new String[]{"bayes", "--p", "0.1,0.3", "--samples", "300", "--format", "csv"}, shape)))
                .isZero();
        assertThat(fromFile).isEqualTo(out.toString()).hasLineCount(3);

        // --bp-model: BP with another file's matrices, the same as --bp-p with the generator
        assertThat(run("bayes", "--model", m1.toString(), "--bp-model", m3.toString(), "--samples", "300",
                "--format", "csv")).as(err.toString()).isZero();
        String misspecified = out.toString();
        assertThat(run(concat(new String[]{"bayes", "--p", "0.1", "--bp-p", "0.3", "--samples", "300", "--format",
                "csv"}, shape))).isZero();
        assertThat(misspecified).isEqualTo(out.toString()).startsWith("p,bp_p,");

        assertThat(run("bayes", "--model", keyed.toString(), "--p", "0.2")).isEqualTo(2);
        assertThat(err.toString()).contains("holds models for p = [0.1, 0.3]; choose one with --p");
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
