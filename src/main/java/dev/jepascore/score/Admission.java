package dev.jepascore.score;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import dev.jepascore.OverloadedException;
import dev.jepascore.image.DecodeCost;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ServedModels;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;

/**
 * Lets scoring work in only when a slot and the memory its images need are free, waiting at most
 * {@code jepa.admission.max-wait} in arrival order; otherwise it throws {@link OverloadedException} (503
 * {@code overloaded}). Memory is charged from the images' headers before any pixel is decoded, at what the decode
 * path each image will take allocates ({@link ImageDecoder#cost}), and an {@link OutOfMemoryError} that still happens
 * inside admitted work is reported the same way, never as a bad image.
 * <p>
 * A request that would have to wait longer than {@code max-wait} for a slot is answered at once rather than after
 * the wait: the expected wait is the requests ahead of it per slot times the recent time a request holds a slot
 * (an exponential moving average), so under an overload of slow work the refusals are immediate; one expected to
 * fit may wait up to {@link #EXPECTED_WAIT_SLACK} times {@code max-wait} for its slot. A request whose
 * caller hung up while it waited ({@link Caller}) is not started.
 */
@ApplicationScoped
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    /** The memory semaphore counts KiB, so that budgets up to 2 TiB fit its {@code int} permits. */
    private static final int KIB = 1024;
    /**
     * Weight of the newest request in the moving average of slot hold times (about the last ten requests), so that
     * the estimate follows a change of work within a second (measured against 0.02, which reacted too slowly to the
     * overload of 39.7 MP images in the reliability suite).
     */
    static final double SERVICE_WEIGHT = 0.1;
    /**
     * How much longer than {@code max-wait} a request expected to start within it may wait for its slot before it is
     * refused after all: a queue that fits is not shed for a pause of the machine (a steady queue of small requests
     * on a loaded machine); one that does not fit is refused on arrival, not at its deadline.
     */
    static final int EXPECTED_WAIT_SLACK = 2;
    /**
     * Worker threads the default {@code max-queued} leaves to everything else (health probes, metrics, bodies being
     * refused): each waiting request holds one of the HTTP layer's worker threads.
     */
    static final int SPARE_WORKER_THREADS = 16;
    /** Quarkus's default worker pool size: {@code max(8 x cores, 200)} (its {@code quarkus.thread-pool.max-threads}). */
    static final int QUARKUS_MIN_WORKER_THREADS = 200;

    private final Semaphore slots;
    private final Semaphore memory;
    private final int budgetKib;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final AtomicInteger inside = new AtomicInteger();
    /** Requests waiting for a slot (not yet holding one). */
    private final AtomicInteger waiting = new AtomicInteger();
    /** Moving average of how long admitted work holds a slot, nanoseconds; 0 until the first request finished. */
    private final AtomicLong serviceNanos = new AtomicLong();
    private final int concurrent;
    private final ToLongFunction<byte[]> cost;
    private final Caller caller;
    private final MeterRegistry metrics;
    private final Counter abandoned;

    @Inject
    public Admission(AdmissionConfig config, ServedModels models, ImageDecoder decoder, Caller caller,
            MeterRegistry metrics,
            @ConfigProperty(name = "quarkus.thread-pool.max-threads") java.util.Optional<Integer> workerThreads) {
        this(config.memoryBudget().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 2),
                concurrent(config), config.maxQueued().orElse(defaultMaxQueued(workerThreads.orElse(
                        defaultWorkerThreads(Runtime.getRuntime().availableProcessors())), concurrent(config))),
                config.maxWait(), image -> decoder.cost(image, models.defaultModel().inputSpec()), caller, metrics);
    }

    /**
     * Explicit limits (see {@link AdmissionConfig} for each), images charged as full-resolution ImageIO decodes (an
     * upper bound of every path); for tools that build the scoring path by hand.
     */
    public Admission(long budget, int concurrent, int maxQueued, Duration maxWait, InputSpec spec,
            MeterRegistry metrics) {
        this(budget, concurrent, maxQueued, maxWait, image -> {
            DecodeCost.Header header = DecodeCost.peek(image);
            return header == null ? 0 : DecodeCost.bytes(header, spec);
        }, Caller.ALWAYS_THERE, metrics);
    }

    /** Explicit limits, the cost of each image in bytes, and who is waiting for the answer. */
    public Admission(long budget, int concurrent, int maxQueued, Duration maxWait, ToLongFunction<byte[]> cost,
            Caller caller, MeterRegistry metrics) {
        if (budget < KIB || concurrent < 1 || maxQueued < 0) {
            throw new IllegalArgumentException("jepa.admission: memory-budget must be at least 1K, max-concurrent at "
                    + "least 1 and max-queued at least 0; found " + budget + ", " + concurrent + ", " + maxQueued);
        }
        this.budgetKib = (int) Math.min(Integer.MAX_VALUE, budget / KIB);
        this.slots = new Semaphore(concurrent, true);
        this.memory = new Semaphore(budgetKib, true);
        this.maxQueued = maxQueued;
        this.concurrent = concurrent;
        this.maxWaitNanos = maxWait.toNanos();
        this.cost = cost;
        this.caller = caller;
        this.metrics = metrics;
        Gauge.builder("jepa.admission.inside", inside, AtomicInteger::get)
                .description("Scoring requests admitted or waiting for a slot or for memory").register(metrics);
        Gauge.builder("jepa.admission.memory.free", memory, m -> (double) m.availablePermits() * KIB)
                .description("Bytes of the decoding memory budget not held by admitted work").baseUnit("bytes")
                .register(metrics);
        this.abandoned = Counter.builder("jepa.admission.abandoned")
                .description("Requests not started because their caller hung up while they waited").register(metrics);
        LOG.infof("Admission: %d scoring slots, decoding memory budget %d MiB, up to %d waiting for at most %d ms",
                concurrent, budget >> 20, maxQueued, maxWait.toMillis());
    }

    private static int concurrent(AdmissionConfig config) {
        return config.maxConcurrent().orElse(Runtime.getRuntime().availableProcessors());
    }

    /** Quarkus's worker pool size on {@code cores} processors when {@code quarkus.thread-pool.max-threads} is unset. */
    static int defaultWorkerThreads(int cores) {
        return Math.max(8 * cores, QUARKUS_MIN_WORKER_THREADS);
    }

    /**
     * Default {@code max-queued}: the worker threads left once the running requests and {@link #SPARE_WORKER_THREADS}
     * are taken (a request waiting here holds a worker thread; beyond that, requests would wait for a thread
     * unbounded by {@code max-wait}), at least one per slot.
     */
    static int defaultMaxQueued(int workerThreads, int concurrent) {
        return Math.max(concurrent, workerThreads - concurrent - SPARE_WORKER_THREADS);
    }

    /**
     * Whether a scoring request arriving now would be refused for its wait whatever its images (every slot busy and
     * the expected wait of the queue longer than {@code max-wait}); counted as refused, so the HTTP layer can answer
     * 503 before it buffers the body or takes a worker thread.
     */
    public boolean refusesArrival() {
        if (slots.availablePermits() > 0
                || expectedWait(waiting.get(), concurrent, serviceNanos.get()) <= maxWaitNanos) {
            return false;
        }
        Counter.builder("jepa.admission.rejected").description("Scoring requests answered 503 overloaded, by reason")
                .tag("reason", "queue_too_long").register(metrics).increment();
        return true;
    }

    /** Runs {@code work}, which decodes and scores {@code images} for the default model's input, once admitted. */
    public <T> T admit(List<byte[]> images, Supplier<T> work) {
        return admit(images, cost, work);
    }

    /**
     * Runs {@code work}, which decodes and scores {@code images}, once admitted; {@code cost} gives each image's
     * decoding bytes for the model it is scored with.
     */
    public <T> T admit(List<byte[]> images, ToLongFunction<byte[]> cost, Supplier<T> work) {
        long bytes = 0;
        for (byte[] image : images) {
            bytes += cost.applyAsLong(image);
        }
        int kib = (int) Math.min(budgetKib, (bytes + KIB - 1) / KIB);
        // requests in here: at most `concurrent` running, the rest waiting for a slot or for memory
        if (inside.incrementAndGet() > concurrent + maxQueued) {
            inside.decrementAndGet();
            throw rejected("queue_full", maxQueued + " requests are already waiting to be scored");
        }
        try {
            long deadline = System.nanoTime() + maxWaitNanos;
            if (!slots.tryAcquire()) {
                int ahead = waiting.getAndIncrement();
                try {
                    long expected = expectedWait(ahead, concurrent, serviceNanos.get());
                    if (expected > maxWaitNanos) {
                        throw rejected("queue_too_long", ahead + " requests are waiting for " + concurrent
                                + " scoring slot(s), about " + expected / 1_000_000 + " ms of work, more than the "
                                + maxWaitNanos / 1_000_000 + " ms a request may wait");
                    }
                    long slotDeadline = expected > 0 ? System.nanoTime() + EXPECTED_WAIT_SLACK * maxWaitNanos
                            : deadline;
                    if (!acquire(slots, 1, slotDeadline)) {
                        throw rejected("no_slot", "no scoring slot came free within "
                                + (slotDeadline - deadline + maxWaitNanos) / 1_000_000 + " ms");
                    }
                    deadline = Math.max(deadline, System.nanoTime());
                } finally {
                    waiting.decrementAndGet();
                }
            }
            long started = System.nanoTime();
            try {
                if (!acquire(memory, kib, deadline)) {
                    throw rejected("no_memory", "the images need " + (bytes >> 20) + " MiB of decoding memory, "
                            + "which did not come free within " + maxWaitNanos / 1_000_000 + " ms");
                }
                try {
                    if (caller.gone()) {
                        abandoned.increment();
                        throw new OverloadedException("the caller hung up while the request waited to be scored; "
                                + "it was not started", null);
                    }
                    return work.get();
                } catch (OutOfMemoryError e) {
                    Counter.builder("jepa.admission.out.of.memory")
                            .description("Admitted work that still ran out of heap (answered 503)").register(metrics)
                            .increment();
                    throw OverloadedException.outOfMemory("scoring " + images.size() + " image(s)", e);
                } finally {
                    memory.release(kib);
                }
            } finally {
                slots.release();
                record(System.nanoTime() - started);
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    /**
     * Expected wait for a slot with {@code ahead} requests already waiting for one of {@code concurrent} busy slots,
     * each held about {@code serviceNanos}: the running requests are on average half done, then each slot serves
     * its share of those ahead. 0 while no hold time has been measured.
     */
    static long expectedWait(int ahead, int concurrent, long serviceNanos) {
        return (long) (serviceNanos * (0.5 + (double) ahead / concurrent));
    }

    private void record(long held) {
        serviceNanos.getAndUpdate(old -> old == 0 ? held : (long) (old + SERVICE_WEIGHT * (held - old)));
    }

    private static boolean acquire(Semaphore semaphore, int permits, long deadline) {
        try {
            return semaphore.tryAcquire(permits, Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private OverloadedException rejected(String reason, String message) {
        Counter.builder("jepa.admission.rejected").description("Scoring requests answered 503 overloaded, by reason")
                .tag("reason", reason).register(metrics).increment();
        return new OverloadedException("the function is busy: " + message + "; retry later", null);
    }
}
