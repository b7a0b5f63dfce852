package dev.jepascore.backfill;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Function;

import org.jboss.logging.Logger;

import dev.jepascore.event.EventFormat;
import dev.jepascore.event.ObjectRef;
import dev.jepascore.result.ResultKeys;
import dev.jepascore.storage.ObjectPage;
import dev.jepascore.storage.ObjectStore;
import dev.jepascore.storage.StorageException;

/**
 * Goes through the objects under a prefix, page by page, and hands each one (never a result document) to one action
 * on a fixed pool of {@code concurrency} threads. Memory stays bounded whatever the bucket size: one page of keys,
 * and at most {@code 2 x concurrency} objects handed out and not yet finished (the lister waits for a free slot).
 *
 * @param store       where the objects are listed
 * @param keys        where result documents live: they are counted, never handed out
 * @param concurrency objects handled at once
 * @param pageSize    objects asked for per listing call
 * @param cancelled   asked before each object is handed out and each page is listed: once it answers true, the run
 *                    lists no further and hands out no further object; objects already handed out finish
 */
record Backfill(ObjectStore store, ResultKeys keys, int concurrency, int pageSize, BooleanSupplier cancelled) {

    private static final Logger LOG = Logger.getLogger(Backfill.class);
    /** Written into each object reference, and so into the documents the job writes. */
    static final String EVENT_TYPE = "backfill";

    /** A backfill that runs to the end of the listing. */
    Backfill(ObjectStore store, ResultKeys keys, int concurrency, int pageSize) {
        this(store, keys, concurrency, pageSize, () -> false);
    }

    /** What the listing saw. */
    record Listing(long objects, long resultDocuments, boolean cancelled) {
    }

    /**
     * Runs {@code action} on every object under the prefix; returns when all have finished.
     *
     * @throws StorageException when a page cannot be listed (bucket missing, access denied, storage down); the
     *                          objects handed out before it have finished
     */
    Listing run(String bucket, String prefix, Function<ObjectRef, Answer> action, Tally tally,
            BackfillProgress progress) {
        AtomicInteger threads = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(concurrency, r -> {
            Thread thread = new Thread(r, "backfill-" + threads.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        Thread counter = new Thread(() -> count(bucket, prefix, progress), "backfill-count");
        counter.setDaemon(true);
        counter.start();
        Semaphore slots = new Semaphore(2 * concurrency);
        long objects = 0;
        long results = 0;
        try {
            String from = null;
            do {
                ObjectPage page = store.list(bucket, prefix, from, pageSize);
                for (ObjectPage.Listed listed : page.objects()) {
                    // the listing's tag is the store's own: a read of a since-replaced object is seen as such
                    ObjectRef ref = new ObjectRef(bucket, listed.key(), listed.versionTag(), listed.size(), null,
                            EVENT_TYPE, EventFormat.BACKFILL, true);
                    if (keys.isResult(ref)) {
                        results++;
                        continue;
                    }
                    slots.acquireUninterruptibly();
                    if (cancelled.getAsBoolean()) {
                        slots.release();
                        break;
                    }
                    objects++;
                    pool.execute(() -> {
                        try {
                            tally.add(apply(action, ref));
                        } finally {
                            slots.release();
                        }
                    });
                }
                from = page.next();
            } while (from != null && !cancelled.getAsBoolean());
            boolean stopped = cancelled.getAsBoolean();
            if (!stopped) {
                progress.listingDone(objects);
            }
            return new Listing(objects, results, stopped);
        } finally {
            counter.interrupt();
            pool.shutdown();
            awaitQuietly(pool);
        }
    }

    /**
     * The total for the progress line: a second listing that only counts, one page at a time, running ahead of the
     * work (which waits for free slots). Its failures are the work's listing's to report.
     */
    private void count(String bucket, String prefix, BackfillProgress progress) {
        long total = 0;
        String from = null;
        try {
            do {
                ObjectPage page = store.list(bucket, prefix, from, pageSize);
                for (ObjectPage.Listed listed : page.objects()) {
                    if (!keys.isResult(new ObjectRef(bucket, listed.key(), null, null, null, EVENT_TYPE,
                            EventFormat.BACKFILL))) {
                        total++;
                    }
                }
                progress.counted(total);
                from = page.next();
            } while (from != null && !cancelled.getAsBoolean() && !Thread.currentThread().isInterrupted());
            if (from == null) {
                progress.listingDone(total);
            }
        } catch (RuntimeException e) {
            LOG.debugf("counting stopped at %d: %s", total, e.getMessage());
        }
    }

    private static Answer apply(Function<ObjectRef, Answer> action, ObjectRef ref) {
        try {
            return action.apply(ref);
        } catch (RuntimeException e) {
            LOG.errorf(e, "%s failed unexpectedly: %s", ref, e.getMessage());
            return new Answer("failed, to retry: internal_error", Answer.Severity.RETRY);
        }
    }

    private static void awaitQuietly(ExecutorService pool) {
        boolean interrupted = false;
        while (true) {
            try {
                if (pool.awaitTermination(1, TimeUnit.MINUTES)) {
                    break;
                }
                LOG.info("waiting for the objects in progress to finish");
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
