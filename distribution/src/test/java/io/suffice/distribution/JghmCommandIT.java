package io.suffice.distribution;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin-contributed {@code suffice jghm} command, through the launcher. */
class JghmCommandIT {
    @TempDir
    Path cwd;

    @Test
    void bayesPrintsAndWritesTheTableAsCsv() throws Exception {
        Cli.Result r = Cli.run(cwd, "jghm", "bayes", "--p", "0.1,0.3", "--samples", "300", "--format", "csv",
                "--out", "bayes.csv");
        assertThat(r.status()).as(r.err()).isZero();
        List<String> lines = r.out().lines().toList();
        assertThat(lines.get(0)).startsWith("p,clip_risk,");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("0.1");
        assertThat(Files.readAllLines(cwd.resolve("bayes.csv")).get(0)).isEqualTo(lines.get(0));
    }

    @Test
    void aBadFlipProbabilityIsAUsageError() throws Exception {
        Cli.Result r = Cli.run(cwd, "jghm", "bayes", "--p", "1.5");
        assertThat(r.status()).isEqualTo(2);
        assertThat(r.err()).contains("1.5");
    }
}
