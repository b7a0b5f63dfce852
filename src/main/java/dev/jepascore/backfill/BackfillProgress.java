package dev.jepascore.backfill;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.jboss.logging.Logger;

/**
 * The progress of a backfill: done / listed so far, rate, ETA, failures. On a terminal one line rewritten in place
 * twice a second; otherwise (a log file, a CI job) a log line every {@code logInterval}.
 */
final class BackfillProgress implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(BackfillProgress.class);
    private static final Duration TERMINAL_INTERVAL = Duration.ofMillis(500);

    private final PrintStream terminal;
    private final String what;
    private final Tally tally;
    private final long start = System.nanoTime();
    private final AtomicLong listed = new AtomicLong();
    private volatile boolean listingDone;
    private final ScheduledExecutorService ticker;

    /** @param terminal where to rewrite the line, or {@code null} to log every {@code logInterval} instead */
    BackfillProgress(PrintStream terminal, String what, Tally tally, Duration logInterval) {
        this.terminal = terminal;
        this.what = what;
        this.tally = tally;
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "backfill-progress");
            thread.setDaemon(true);
            return thread;
        });
        long every = (terminal != null ? TERMINAL_INTERVAL : logInterval).toMillis();
        ticker.scheduleAtFixedRate(this::show, every, every, TimeUnit.MILLISECONDS);
    }

    /** The objects counted so far by the listing that runs ahead of the work. */
    void counted(long count) {
        listed.accumulateAndGet(count, Math::max);
    }

    /** The work's own listing has ended with {@code count} objects: the total is known. */
    void listingDone(long count) {
        listed.set(count);
        listingDone = true;
    }

    double seconds() {
        return Math.max(1e-9, (System.nanoTime() - start) / 1e9);
    }

    private void show() {
        String line = line(tally.done(), listed.get(), listingDone, tally.failed(), seconds(), what);
        if (terminal != null) {
            terminal.print("\r" + line + "   ");
            terminal.flush();
        } else {
            LOG.info(line);
        }
    }

    /** The progress line; pure, so that its wording is tested without a clock. */
    static String line(long done, long listed, boolean listingDone, long failed, double seconds, String what) {
        double rate = done / seconds;
        String total = listed + (listingDone ? "" : "+");
        String eta;
        if (listingDone && done >= listed) {
            eta = String.format(Locale.ROOT, "finished in %.1f s", seconds);
        } else if (rate <= 0) {
            eta = "ETA ?";
        } else {
            eta = String.format(Locale.ROOT, "ETA %s%.0f s", listingDone ? "" : ">= ", (listed - done) / rate);
        }
        return String.format(Locale.ROOT, "%d/%s %s, %.1f objects/s, %s, %d failed%s", done, total, what, rate, eta,
                failed, listingDone ? "" : " (still listing)");
    }

    /** Stops the ticker; on a terminal, ends the line with its final state. */
    @Override
    public void close() {
        ticker.shutdownNow();
        if (terminal != null) {
            terminal.println("\r" + line(tally.done(), listed.get(), listingDone, tally.failed(), seconds(), what) + "   ");
        }
    }
}
