package dev.jepascore.packaging;

import java.io.PrintStream;
import java.util.Locale;

/** One progress line per stage on the terminal: count, rate, ETA; rewritten in place at most twice a second. */
final class Progress {

    private static final long MIN_INTERVAL_NANOS = 500_000_000L;

    private final PrintStream out;
    private final String what;
    private final int total;
    private final long start = System.nanoTime();
    private long lastPrint;
    private int done;

    Progress(PrintStream out, String what, int total) {
        this.out = out;
        this.what = what;
        this.total = total;
    }

    void advance(int n) {
        done += n;
        long now = System.nanoTime();
        if (now - lastPrint >= MIN_INTERVAL_NANOS) {
            lastPrint = now;
            out.print("\r" + line(now));
            out.flush();
        }
    }

    void done() {
        out.println("\r" + line(System.nanoTime()));
    }

    String line(long now) {
        double seconds = Math.max(1e-9, (now - start) / 1e9);
        double rate = done / seconds;
        String eta = done >= total ? String.format(Locale.ROOT, "done in %.1f s", seconds)
                : rate > 0 ? String.format(Locale.ROOT, "ETA %.0f s", (total - done) / rate) : "ETA ?";
        return String.format(Locale.ROOT, "  %s: %d/%d images, %.1f images/s, %s   ", what, done, total, rate, eta);
    }
}
