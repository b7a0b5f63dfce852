package dev.jepascore.packaging;

import java.io.PrintStream;
import java.util.Locale;

/**
 * Progress of one stage: count, rate, ETA. On a terminal one line rewritten in place at most twice a second;
 * otherwise (a log, a pipe) a whole line at most every {@link #LOG_INTERVAL_NANOS} and one when done, so a log
 * holds no carriage returns and no flood of lines.
 */
final class Progress {

    private static final long MIN_INTERVAL_NANOS = 500_000_000L;
    /** Between lines when the output is not a terminal. */
    static final long LOG_INTERVAL_NANOS = 10_000_000_000L;
    /** Whether this process writes to a terminal (no console: output redirected). */
    private static final boolean TERMINAL = System.console() != null;

    private final PrintStream out;
    private final String what;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint;
    private int done;

    private final boolean terminal;

    Progress(PrintStream out, String what, int total) {
        this(out, what, total, TERMINAL && out == System.out);
    }

    Progress(PrintStream out, String what, int total, boolean terminal) {
        this.out = out;
        this.what = what;
        this.total = total;
        this.terminal = terminal;
        this.lastPrint = terminal ? 0 : start;
    }

    void advance(int n) {
        done += n;
        long now = System.nanoTime();
        if (terminal && now - lastPrint >= MIN_INTERVAL_NANOS) {
            lastPrint = now;
            out.print("\r" + line(now));
            out.flush();
        } else if (!terminal && now - lastPrint >= LOG_INTERVAL_NANOS && done < total) {
            lastPrint = now;
            out.println(line(now).stripTrailing());
        }
    }

    void done() {
        String line = line(System.nanoTime());
        out.println(terminal ? "\r" + line : line.stripTrailing());
    }

    String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        String eta = done >= total ? String.format(Locale.ROOT, "done in %.1f s", seconds)
                : rate > 0 ? String.format(Locale.ROOT, "ETA %.0f s", (total - done) / rate) : "ETA ?";
        return String.format(Locale.ROOT, "  %s: %d/%d images, %.1f images/s, %s   ", what, done, total, rate, eta);
    }
}
