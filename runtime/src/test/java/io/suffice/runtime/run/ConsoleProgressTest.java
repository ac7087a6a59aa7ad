package io.suffice.runtime.run;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The progress bar of a resumed loop counts from the resumed unit, also when it closes before its first update. */
class ConsoleProgressTest {
    private static String drawn(ConsoleProgress bar, ByteArrayOutputStream bytes) {
        bar.close();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aResumedLoopStoppedBeforeItsFirstStepShowsWhereItStoodAndNoNegativeRate() {
        // e.g. a resumed run interrupted or failing at its first step: the bar closes without an update
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        String line = drawn(new ConsoleProgress("run", 600, 1200, new PrintStream(bytes, true,
                StandardCharsets.UTF_8)), bytes);
        assertThat(line).contains(" 50% 600/1200 0.0/s").doesNotContain("-");
    }

    @Test
    void theRateCountsOnlyTheUnitsDoneInThisProcess() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ConsoleProgress bar = new ConsoleProgress("run", 600, 1200, new PrintStream(bytes, true,
                StandardCharsets.UTF_8));
        bar.update(600, "loss=1");
        String line = drawn(bar, bytes);
        assertThat(line).contains(" 50% 600/1200 0.0/s loss=1");
    }
}
