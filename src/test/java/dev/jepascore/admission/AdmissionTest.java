package dev.jepascore.admission;

import dev.jepascore.ErrorCode;

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
import dev.jepascore.image.PngRowsPath;
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
        long charge = DecodeCost.imageIo(DecodeCost.peek(LARGE), GREY_28, false, 1).bytes();
        Admission admission = admission(charge + charge / 2, 4, 8, Duration.ofMillis(200));
        hold(admission, LARGE);
        OverloadedException e = assertThrows(OverloadedException.class,
                () -> admission.admit(List.of(LARGE), () -> "never"));
        assertEquals(ErrorCode.OVERLOADED, e.code());
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
    void a_flood_of_large_bodies_is_refused_from_the_headers_beyond_what_the_slots_serve_within_max_wait() {
        Admission admission = admission(1L << 30, 2, 182, Duration.ofMillis(800));
        long body = 19_500_000; // 195 ms each at 10 ns a byte, before any request has finished
        List<Admission.Arrival> let = new java.util.ArrayList<>();
        for (Admission.Arrival a = admission.arrive(body); a != null; a = admission.arrive(body)) {
            let.add(a);
        }
        // two take the free slots; each later one waits behind the arrivals ahead, shared by the two slots, and
        // is let in while that plus its own 195 ms ends within 800 ms: 5 more
        assertEquals(7, let.size());
        assertEquals(1.0, registry.counter("jepa.admission.rejected", "reason", "queue_too_long").count());
        let.get(0).close();
        let.get(0).close(); // idempotent: the request's end closes it again
        org.junit.jupiter.api.Assertions.assertNotNull(admission.arrive(body),
                "a place is free again once one arrival's work entered admission or its request ended");
        assertEquals(null, admission.arrive(body));
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
        assertTrue(e.getMessage().contains("waiting for 1 busy scoring slot"), e.getMessage());
        assertEquals(2.0, registry.counter("jepa.admission.rejected", "reason", "queue_too_long").count());
        assertEquals(0.0, registry.counter("jepa.admission.rejected", "reason", "no_slot").count(),
                "it must be refused on arrival, not after waiting the 200 ms out");
    }

    @Test
    void request_whose_caller_hung_up_while_it_waited_is_not_started() throws Exception {
        AtomicBoolean hungUp = new AtomicBoolean();
        Admission admission = new Admission(1L << 30, 1, 8, Duration.ofSeconds(30), image -> DecodeCost.REFUSED,
                hungUp::get, registry);
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

    /** Every image is charged as a PNG read row by row of {@code megapixels} (no memory). */
    private Admission pngAdmission(int slots, Duration wait, double megapixels) {
        return new Admission(1L << 30, slots, 64, wait,
                image -> new DecodeCost.Estimate(0, (long) (megapixels * 1e6), PngRowsPath.NAME,
                        PngRowsPath.PRIOR_NANOS_PER_PIXEL),
                Caller.ALWAYS_THERE, registry);
    }

    @Test
    void first_wave_of_heavy_requests_is_refused_at_once_before_any_request_finished() throws Exception {
        // 1000 MP each: about 10 s of work at the prior per-pixel time, before anything was measured
        Admission admission = pngAdmission(2, Duration.ofMillis(800), 1000);
        hold(admission, SMALL);
        hold(admission, SMALL);
        assertTrue(admission.refusesArrival(), "the HTTP layer may refuse before reading the body");
        long start = System.nanoTime();
        OverloadedException e = assertThrows(OverloadedException.class,
                () -> admission.admit(List.of(SMALL), () -> "never"));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("ms of work ahead"), e.getMessage());
        assertTrue(waitedMs < 800, "refused after " + waitedMs + " ms instead of at once");
        assertEquals(0.0, registry.counter("jepa.admission.rejected", "reason", "no_slot").count());
    }

    @Test
    void queued_request_waits_at_most_max_wait_less_its_own_expected_work() throws Exception {
        // each request expected to take 300 ms (30 MP at the prior 10 ns per pixel); the held one never ends
        Admission admission = pngAdmission(1, Duration.ofMillis(800), 30);
        hold(admission, SMALL);
        Thread.sleep(350); // the held request is now past its expectation: no work is expected ahead
        long start = System.nanoTime();
        OverloadedException e = assertThrows(OverloadedException.class,
                () -> admission.admit(List.of(SMALL), () -> "never"));
        long waitedMs = (System.nanoTime() - start) / 1_000_000;
        assertTrue(e.getMessage().contains("no scoring slot came free within 500 ms"), e.getMessage());
        assertTrue(waitedMs >= 495, "gave up after " + waitedMs + " ms");
        assertEquals(1.0, registry.counter("jepa.admission.rejected", "reason", "no_slot").count());
    }

    @Test
    void request_finding_a_free_slot_starts_whatever_its_expected_time() {
        Admission admission = pngAdmission(1, Duration.ofMillis(800), 1000);
        assertEquals("scored", admission.admit(List.of(SMALL), () -> "scored"));
    }

    @Test
    void work_ahead_is_the_running_and_queued_work_per_slot() {
        assertEquals(0, Admission.workAhead(0, 0, 2));
        assertEquals(300, Admission.workAhead(400, 200, 2));
    }
}
