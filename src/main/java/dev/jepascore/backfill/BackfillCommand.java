package dev.jepascore.backfill;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.jepascore.CommandLines;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.job.ObjectOutcome;
import dev.jepascore.result.ResultKeys;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StorageException;
import io.quarkus.runtime.Quarkus;

/**
 * {@code java -jar quarkus-run.jar backfill ...}: scores the objects of a bucket that have no result document yet,
 * with the function's own configuration, store and job, then exits. The function starts without its HTTP listener
 * and without the local uploads poller, so a backfill runs beside a serving function. Exit codes in
 * {@link BackfillOptions} (its {@code --help}).
 */
public final class BackfillCommand {

    /** How often a backfill that is not on a terminal logs its progress. */
    static final Duration LOG_INTERVAL = Duration.ofSeconds(10);
    static final int EXIT_OK = 0;
    static final int EXIT_CANNOT_LIST = 1;
    static final int EXIT_USAGE = 2;
    static final int EXIT_RUN_AGAIN = 3;

    private BackfillCommand() {
    }

    /**
     * Starts the function for one backfill and exits the process with its exit code. The process settings (no HTTP
     * listener, no uploads poller, no banner, no line per object) are the {@code backfill} configuration profile of
     * application.properties, so {@code -D} still overrides each.
     *
     * @param args the arguments after {@code backfill}, checked already; {@link BackfillApplication} reads them again
     */
    static int launch(BackfillOptions options, List<String> args) {
        CommandLines.activateProfile("backfill");
        // --model M is configuration of this run: the bucket's model, as jepa.storage.bucket-models would name it
        options.configuration().forEach(System::setProperty);
        Quarkus.run(BackfillApplication.class, (code, failure) -> {
            if (failure != null) {
                System.err.println("backfill: the function could not start: " + rootMessage(failure));
            }
            System.exit(code);
        }, args.toArray(String[]::new));
        return EXIT_OK;
    }

    /**
     * The whole command once the function is up: list, act on each object, print the summary.
     *
     * @param job      the storage events' job ({@code ObjectScoringJob::process})
     * @param terminal whether {@code out} is a terminal (a progress line) or not (a log line every
     *                 {@link #LOG_INTERVAL})
     * @return the exit code
     */
    static int execute(BackfillOptions options, ObjectStore store, ResultKeys keys,
            Function<ObjectRef, ObjectOutcome> job, ObjectMapper json, PrintStream out, PrintStream err,
            boolean terminal) {
        int concurrency = options.s3BatchManifest() != null ? 1 : options.concurrency();
        return execute(options, new Backfill(store, keys, concurrency, BackfillOptions.PAGE_SIZE), store, keys, job,
                json, out, err, terminal);
    }

    static int execute(BackfillOptions options, Backfill backfill, ObjectStore store, ResultKeys keys,
            Function<ObjectRef, ObjectOutcome> job, ObjectMapper json, PrintStream out, PrintStream err,
            boolean terminal) {
        String where = "bucket '" + options.bucket() + "'"
                + (options.prefix().isEmpty() ? "" : ", prefix '" + options.prefix() + "'");
        BatchManifest manifest = null;
        EventEmitter emitter = null;
        Function<ObjectRef, Answer> action;
        String mode;
        try {
            if (options.s3BatchManifest() != null) {
                manifest = new BatchManifest(options.s3BatchManifest());
                action = manifest;
                mode = "writing the S3 Batch Operations manifest " + options.s3BatchManifest();
            } else if (options.emitEvents() != null) {
                emitter = new EventEmitter(options.emitEvents(), json);
                action = emitter;
                mode = "posting one storage event per object to " + options.emitEvents() + ", at most "
                        + options.concurrency() + " in flight";
            } else if (options.applyActions()) {
                action = new ScoreAction(job);
                mode = "applying the configured actions to what has a document, scoring nothing, "
                        + options.concurrency() + " at once";
            } else if (options.dryRun()) {
                action = new DryRunAction(store, keys);
                mode = "dry run: counting what has no document yet, scoring nothing";
            } else {
                action = new ScoreAction(job);
                mode = "scoring what has no document yet, " + options.concurrency() + " at once";
            }
        } catch (IOException e) {
            err.println("backfill: cannot write " + options.s3BatchManifest() + ": " + e.getMessage());
            return EXIT_USAGE;
        }
        out.println("backfill " + where + ": " + mode + "; results under " + keys.prefix() + " are skipped");
        Tally tally = new Tally();
        Backfill.Listing listing;
        BackfillProgress progress = new BackfillProgress(terminal ? out : null, options.what(), tally, LOG_INTERVAL);
        try {
            listing = backfill.run(options.bucket(), options.prefix(), action, tally, progress);
        } catch (StorageException e) {
            progress.close();
            closeQuietly(manifest);
            if (tally.done() == 0) {
                err.println("backfill: cannot list " + where + " (" + e.code() + "): " + e.getMessage());
            } else {
                err.println("backfill: the listing stopped after " + tally.done() + " objects (" + e.code() + "): "
                        + e.getMessage());
                summary(out, tally, progress.seconds(), null, emitter);
            }
            return e.kind().retriable() ? EXIT_RUN_AGAIN : EXIT_CANNOT_LIST;
        }
        progress.close();
        if (listing.objects() == 0 && !listing.cancelled()) {
            closeQuietly(manifest);
            if (!options.prefix().isEmpty()) {
                err.println("backfill: no objects under prefix '" + options.prefix() + "' in bucket '"
                        + options.bucket() + "' (keys are case-sensitive; check --prefix)");
                return EXIT_CANNOT_LIST;
            }
            out.println("backfill: bucket '" + options.bucket() + "' holds no objects to score"
                    + (listing.resultDocuments() > 0 ? " (only " + listing.resultDocuments() + " result documents)" : ""));
            return EXIT_OK;
        }
        if (manifest != null) {
            try {
                manifest.commit();
            } catch (IOException e) {
                err.println("backfill: cannot write " + options.s3BatchManifest() + ": " + e.getMessage());
                return EXIT_RUN_AGAIN;
            }
        }
        summary(out, tally, progress.seconds(), listing, emitter);
        if (listing.cancelled()) {
            err.println("backfill: cancelled before the end of the listing; run the same command again to finish");
            return EXIT_RUN_AGAIN;
        }
        if (tally.toRetry() > 0) {
            err.println("backfill: " + tally.toRetry() + " objects have no document yet for a reason that may pass; "
                    + "run the same command again (what is done is skipped)");
            return EXIT_RUN_AGAIN;
        }
        return EXIT_OK;
    }

    private static void summary(PrintStream out, Tally tally, double seconds, Backfill.Listing listing,
            EventEmitter emitter) {
        out.printf(Locale.ROOT, "backfill %s: %d objects in %.1f s (%.1f objects/s; %.1f scored/s)%n",
                listing == null ? "stopped" : listing.cancelled() ? "cancelled" : "finished", tally.done(), seconds,
                tally.done() / seconds, tally.count("scored") / seconds);
        tally.byLabel().forEach((label, n) -> out.printf(Locale.ROOT, "  %8d  %s%n", n, label));
        if (emitter != null) {
            out.printf(Locale.ROOT, "  %8d  requests sent again after 429/5xx or a connection failure%n",
                    emitter.retried());
        }
        if (listing != null && listing.resultDocuments() > 0) {
            out.printf(Locale.ROOT, "  %8d  result documents seen in the listing (never scored)%n",
                    listing.resultDocuments());
        }
    }

    private static void closeQuietly(BatchManifest manifest) {
        if (manifest != null) {
            try {
                manifest.close();
            } catch (IOException ignored) {
                // only a temporary file is left behind
            }
        }
    }

    /** Whether the process writes to a terminal (Java 22+ returns a console even when output is redirected). */
    static boolean onTerminal() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException e) {
            return true; // before Java 22 a console exists only on a terminal
        }
    }

    private static String rootMessage(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.toString() : root.getMessage();
    }
}
