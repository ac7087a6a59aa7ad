package io.suffice.runtime.run;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ReportPageTest {
    @TempDir
    Path dir;

    private static final byte[] PNG = Base64.getDecoder().decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==");

    @Test
    void aRunPageHoldsStatusSummaryFiguresInlineLinksAndTheConfigEscaped() throws Exception {
        Files.writeString(dir.resolve("config.yaml"), "run: {name: a<b>}\n");
        Files.writeString(dir.resolve("summary.json"), "{\"status\": \"ok\", \"summary\": {\"final_risk\": 0.25}}");
        Files.writeString(dir.resolve("metrics.csv"), "step,risk\n0,1\n");
        Files.write(dir.resolve("plot-risk.png"), PNG);
        ReportPage.forRun(dir);
        String html = Files.readString(dir.resolve(ReportPage.FILE));
        assertThat(html).contains("<b class=\"s-ok\">ok</b>").contains("<td>final_risk</td><td>0.25</td>")
                .contains("src=\"data:image/png;base64," + Base64.getEncoder().encodeToString(PNG) + "\"")
                .contains("<a href=\"metrics.csv\">metrics.csv</a>").contains("run: {name: a&lt;b&gt;}")
                .doesNotContain("a<b>");
    }

    @Test
    void aSweepPageTablesTheArmsAndEachArmGetsItsOwnPage() throws Exception {
        Path arm = Files.createDirectories(dir.resolve("000-optimizer.stepsize=1"));
        Files.writeString(arm.resolve("config.yaml"), "x: 1\n");
        Files.writeString(arm.resolve("summary.json"), "{\"status\": \"failed\", \"error\": \"boom <here>\", "
                + "\"summary\": {}}");
        Files.writeString(dir.resolve("sweep.csv"), "arm,optimizer.stepsize,status\n000-optimizer.stepsize=1,1,"
                + "failed\n");
        ReportPage.forRun(dir);
        assertThat(dir.resolve(ReportPage.FILE)).content()
                .contains("<a href=\"000-optimizer.stepsize=1/report.html\">000-optimizer.stepsize=1</a>");
        assertThat(arm.resolve(ReportPage.FILE)).content().contains("failed").contains("boom &lt;here&gt;")
                .contains("href=\"../report.html\"");
    }

    @Test
    void aReproductionPageColoursVerdictsAndInlinesEachFiguresPanels() throws Exception {
        Path fig = Files.createDirectories(dir.resolve("ls-fig4"));
        Files.write(fig.resolve("ls-fig4-margins.png"), PNG);
        Files.createDirectories(fig.resolve("ls-fig4-20260101-000000"));
        ReportPage.forReproduction(dir, "laptop", List.of(new ReportPage.FigureSection("ls-fig4", "claim",
                "source", 12.3, fig, List.<String[]>of(new String[]{"ls-fig4", "claim", "m", "e", "holds", "d"}))));
        assertThat(dir.resolve(ReportPage.FILE)).content().contains("<td class=\"v-holds\">holds</td>")
                .contains("data:image/png;base64,").contains("href=\"ls-fig4/ls-fig4-20260101-000000/report.html\"")
                .contains("Wall time:</b> 12 s");
    }

    @Test
    void quotedCsvCellsWithCommasQuotesAndLineBreaksStayOneCell() throws Exception {
        Files.writeString(dir.resolve("verdicts.csv"), "figure,claim,measured,expected,verdict,detail\n"
                + "ls-fig2,\"rate: eta t L flat, after the \"\"transition\"\"\",1.5,<= 2,holds,\"two\nlines\"\n");
        ReportPage.forRun(dir);
        assertThat(dir.resolve(ReportPage.FILE)).content()
                .contains("<td>rate: eta t L flat, after the \"transition\"</td>")
                .contains("<td class=\"v-holds\">holds</td>").contains("two\nlines");
    }
}
