package dev.jepascore.score;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import dev.jepascore.OverloadedException;
import dev.jepascore.image.DecodeCost;
import dev.jepascore.image.InputSpec;
import dev.jepascore.image.TestImages;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;

/** Who gets in, who waits and who is turned away with 503 overloaded; the work itself is a latch, no model. */
class AdmissionTest {

    private static final InputSpec GREY_28 = InputSpec.of(1, 28, 28, 1 / 255.0, List.of(0.0), List.of(1.0));
    private static final byte[] SMALL = TestImages.picture("png", 28, 28);
    /** 2000 x 1000 RGB, charged as a full-resolution ImageIO decode: about 6 MiB. */
    private static final byte[] LARGE = TestImages.picture("png", 2000, 1000);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final CountDownLatch release = new CountDownLatch(1);

    @AfterEach
    void stop() {
        release.countDown();
        pool.shutdownNow();
    }

    private Admission admission(long budget, int slots, int queued, Duration wait) {
        return new Admission(budget, slots, queued, wait, GREY_28, registry);
    }

    /** Occupies admission with {@code image} until the test ends; returns once it is admitted. */
    private Future<String> hold(Admission admission, byte[] image) throws InterruptedException {
        CountDownLatch admitted = new CountDownLatch(1);
        Future<String> f = pool.submit(() -> admission.admit(List.of(image), () -> {
            admitted.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "done";
        }));
        assertTrue(admitted.await(10, TimeUnit.SECONDS), "the first request was not admitted");
        return f;
    }

    @Test
    void request_whose_memory_is_not_free_within_the_wait_is_overloaded() throws Exception {
        long charge = DecodeCost.bytes(DecodeCost.peek(LARGE), GREY_28);
        Admission admission = admission(charge + charge / 2, 4, 8, Duration.ofMillis(200));
        hold(admission, LARGE);
        OverloadedException e = assertThrows(OverloadedException.class,
                () -> admission.admit(List.of(LARGE), () -> "never"));
        assertEquals("overloaded", e.code());
        assertTrue(e.getMessage().contains("decoding memory"), e.getMessage());
        assertEquals("small", admission.admit(List.of(SMALL), () -> "small"), "small images still fit beside it");
    }

    @Test
    void request_without_a_free_slot_within_the_wait_is_overloaded() throws Exception {
        Admission admission = admission(1L << 30, 1, 8, Duration.ofMillis(200));
        hold(admission, SMALL);
        OverloadedException e = assertThrows(OverloadedException.class,
                () -> admission.admit(List.of(SMALL), () -> "never"));
        assertTrue(e.getMessage().contains("slot"), e.getMessage());
        assertEquals(1.0, registry.counter("jepa.admission.rejected", "reason", "no_slot").count());
    }

    @Test
    void request_beyond_the_queue_is_overloaded_at_once() throws Exception {
        Admission admission = admission(1L << 30, 1, 0, Duration.ofSeconds(30));
        hold(admission, SMALL);
        long start = System.nanoTime();
        assertThrows(OverloadedException.class, () -> admission.admit(List.of(SMALL), () -> "never"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "a full queue must not make it wait");
        assertEquals(1.0, registry.counter("jepa.admission.rejected", "reason", "queue_full").count());
    }

    @Test
    void image_costing_more_than_the_whole_budget_is_admitted_alone() {
        Admission admission = admission(64 * 1024, 2, 8, Duration.ofMillis(200));
        assertEquals("scored", admission.admit(List.of(LARGE), () -> "scored"));
    }

    @Test
    void out_of_memory_inside_admitted_work_is_overloaded_and_frees_its_charge() {
        Admission admission = admission(1L << 30, 1, 8, Duration.ofMillis(200));
        assertThrows(OverloadedException.class, () -> admission.admit(List.of(SMALL), () -> {
            throw new OutOfMemoryError("Java heap space");
        }));
        assertEquals("next", admission.admit(List.of(LARGE), () -> "next"), "slot and memory were given back");
    }

    @Test
    void request_that_would_wait_longer_than_max_wait_is_refused_without_waiting() throws Exception {
        Admission admission = admission(1L << 30, 1, 8, Duration.ofMillis(200));
        // one request that holds the slot for 600 ms teaches admission how long work takes
        admission.admit(List.of(SMALL), () -> {
            try {
                Thread.sleep(600);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return "slow";
        });
        assertTrue(!admission.refusesArrival(), "a free slot takes any arrival");
        hold(admission, SMALL);
        assertTrue(admission.refusesArrival(), "the HTTP layer may refuse before reading the body");
        OverloadedException e = assertThrows(OverloadedException.class,
                () -> admission.admit(List.of(SMALL), () -> "never"));
        assertTrue(e.getMessage().contains("waiting for 1 scoring slot"), e.getMessage());
        assertEquals(2.0, registry.counter("jepa.admission.rejected", "reason", "queue_too_long").count());
        assertEquals(0.0, registry.counter("jepa.admission.rejected", "reason", "no_slot").count(),
                "it must be refused on arrival, not after waiting the 200 ms out");
    }

    @Test
    void request_whose_caller_hung_up_while_it_waited_is_not_started() throws Exception {
        AtomicBoolean hungUp = new AtomicBoolean();
        Admission admission = new Admission(1L << 30, 1, 8, Duration.ofSeconds(30), image -> 0, hungUp::get, registry);
        hold(admission, SMALL);
        AtomicBoolean started = new AtomicBoolean();
        Future<String> waiting = pool.submit(() -> admission.admit(List.of(SMALL), () -> {
            started.set(true);
            return "scored";
        }));
        while (registry.get("jepa.admission.inside").gauge().value() < 2) {
            Thread.sleep(5);
        }
        hungUp.set(true);
        release.countDown();
        java.util.concurrent.ExecutionException e = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> waiting.get(10, TimeUnit.SECONDS));
        assertTrue(e.getCause() instanceof OverloadedException, e.toString());
        assertTrue(!started.get(), "the work of a caller that hung up was started");
        assertEquals(1.0, registry.counter("jepa.admission.abandoned").count());
    }

    @Test
    void default_queue_leaves_worker_threads_for_probes_and_holds_64_clients() {
        int queued = Admission.defaultMaxQueued(Admission.defaultWorkerThreads(2), 2);
        assertEquals(200 - 2 - Admission.SPARE_WORKER_THREADS, queued);
        assertTrue(queued >= 64, "64 concurrent clients must be queued, not refused");
        assertEquals(4, Admission.defaultMaxQueued(4, 4), "at least one waiting place per slot");
    }

    @Test
    void expected_wait_counts_the_running_work_half_done_and_the_queue_per_slot() {
        assertEquals(0, Admission.expectedWait(10, 2, 0), "no estimate before any work finished");
        assertEquals(50, Admission.expectedWait(0, 2, 100));
        assertEquals(550, Admission.expectedWait(10, 2, 100));
    }
}
