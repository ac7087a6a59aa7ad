package io.suffice.runtime.run;

import io.suffice.api.task.Progress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.util.Locale;

/**
 * A progress bar on a terminal ({@code \r}-redrawn, at most five times a second), or, when output is not a terminal
 * (CI, pipes), an INFO log line every ten seconds, so logs stay readable.
 */
public final class ConsoleProgress implements Progress {
    private static final Logger LOG = LoggerFactory.getLogger(ConsoleProgress.class);
    private static final long REDRAW_NANOS = 200_000_000L;
    private static final long LOG_NANOS = 10_000_000_000L;

    private final String label;
    private final long total;
    private final PrintStream terminal;
    private final long start = System.nanoTime();
    private final long first;
    private long lastDraw;
    private long done;
    private String message = "";

    /** @param terminal where to draw the bar, or null to log instead */
    public ConsoleProgress(String label, long total, PrintStream terminal) {
        this(label, 0, total, terminal);
    }

    /**
     * A loop that starts at unit {@code first} (a resumed run): the rate counts only the units done here.
     *
     * @param terminal where to draw the bar, or null to log instead
     */
    public ConsoleProgress(String label, long first, long total, PrintStream terminal) {
        this.first = first;
        this.done = first; // a bar closed before its first update (a stop at the resumed step) stands at first
        this.label = label;
        this.total = Math.max(1, total);
        this.terminal = terminal;
        this.lastDraw = start;
    }

    @Override
    public void update(long done, String message) {
        this.done = done;
        this.message = message;
        long now = System.nanoTime();
        if (now - lastDraw >= (terminal != null ? REDRAW_NANOS : LOG_NANOS)) {
            lastDraw = now;
            draw(now);
        }
    }

    private void draw(long now) {
        double seconds = (now - start) / 1e9;
        double rate = seconds > 0 ? (done - first) / seconds : 0;
        int pct = (int) Math.min(100, 100 * done / total);
        if (terminal != null) {
            int filled = pct / 4;
            terminal.printf(Locale.ROOT, "\r%s [%s%s] %3d%% %d/%d %.1f/s %s ", label, "#".repeat(filled),
                    " ".repeat(25 - filled), pct, done, total, rate, message);
            terminal.flush();
        } else {
            LOG.info(String.format(Locale.ROOT, "%s %d%% (%d/%d, %.1f/s) %s", label, pct, done, total, rate,
                    message));
        }
    }

    @Override
    public void close() {
        draw(System.nanoTime());
        if (terminal != null) {
            terminal.println();
        }
    }
}
