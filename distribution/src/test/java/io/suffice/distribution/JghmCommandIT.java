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
        // the risks the downstream plugin registers, found across the jars of the distribution, each with its _se
        assertThat(lines.get(0)).startsWith("p,clip_risk,clip_risk_se,").endsWith(",next_token_ce_nocond_se");
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("0.1");
        assertThat(Files.readAllLines(cwd.resolve("bayes.csv")).get(0)).isEqualTo(lines.get(0));
    }

    @Test
    void aBadFlipProbabilityIsAUsageError() throws Exception {
        for (String[] args : new String[][]{{"--p", "1.5"}, {"--samples", "0"}, {"--states", "0"}}) {
            Cli.Result r = Cli.run(cwd, "jghm", "bayes", args[0], args[1]);
            assertThat(r.status()).isEqualTo(2);
            // one line naming the option and the value, not the usage text or an internal record
            assertThat(r.err().strip()).startsWith("error: " + args[0]).contains(args[1])
                    .endsWith("(see: suffice jghm bayes --help)").doesNotContain("\n").doesNotContain("JghmSpec");
        }
    }
}
