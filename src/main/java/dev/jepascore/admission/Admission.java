package dev.jepascore.admission;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

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
 * Lets scoring work in only when a slot and the memory its images need are free, answering every request that
 * would have to queue within {@code jepa.admission.max-wait}, by its result or by {@link OverloadedException} (503
 * {@code overloaded}). Memory is charged from the images' headers before any pixel is decoded, at what the decode
 * path each image will take allocates ({@link ImageDecoder#estimate}), and an {@link OutOfMemoryError} that still
 * happens inside admitted work is reported the same way, never as a bad image.
 * <p>
 * Time is estimated the same way, from the headers: each request is expected to hold its slot for a time per image of
 * its model and mode plus a time per stored pixel of each image's decode path, both learnt from the requests that
 * finished ({@link ServiceTimes}). A request that finds every slot busy may queue only if the work ahead of it (what
 * remains of the running requests' expectations and the queued ones', per slot) plus its own is expected to end within
 * {@code max-wait}; otherwise it is refused at once. A queued request waits for its slot and memory at most
 * {@code max-wait} less its own expected work, so even when the estimate is wrong it is answered about within
 * {@code max-wait}. A request that finds a slot free starts at once, whatever its size. A request whose caller hung
 * up while it waited ({@link Caller}) is not started.
 */
@ApplicationScoped
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    /** The memory semaphore counts KiB, so that budgets up to 2 TiB fit its {@code int} permits. */
    private static final int KIB = 1024;
    /** Kind of work of requests that name none (tools that build the scoring path by hand, tests). */
    static final String DEFAULT_KIND = "";
    /**
     * Weight of the newest request in the moving average of what a request is expected to cost ({@link #typical}),
     * the estimate the HTTP layer refuses by before it has read a body: about the last ten requests.
     */
    static final double TYPICAL_WEIGHT = 0.1;
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
    /** Sum of the expected slot times of the requests waiting for a slot, nanoseconds. */
    private final AtomicLong queuedNanos = new AtomicLong();
    /** Requests holding a slot, with when they started and how long they were expected to take. */
    private final Set<Running> running = ConcurrentHashMap.newKeySet();
    /** Moving average of the expected slot time of arriving requests, nanoseconds; 0 before the first. */
    private final AtomicLong typical = new AtomicLong();
    private final ServiceTimes times = new ServiceTimes();
    private final int concurrent;
    private final Function<byte[], DecodeCost.Estimate> estimate;
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
                config.maxWait(), image -> decoder.estimate(image, models.defaultModel().inputSpec()), caller,
                metrics);
    }

    /**
     * Explicit limits (see {@link AdmissionConfig} for each), images charged as full-resolution ImageIO decodes (an
     * upper bound of every path); for tools that build the scoring path by hand.
     */
    public Admission(long budget, int concurrent, int maxQueued, Duration maxWait, InputSpec spec,
            MeterRegistry metrics) {
        this(budget, concurrent, maxQueued, maxWait, image -> {
            DecodeCost.Header header = DecodeCost.peek(image);
            return header == null ? DecodeCost.REFUSED
                    : DecodeCost.imageIo(header, spec, false, 1);
        }, Caller.ALWAYS_THERE, metrics);
    }

    /** Explicit limits, what each image costs, and who is waiting for the answer. */
    public Admission(long budget, int concurrent, int maxQueued, Duration maxWait,
            Function<byte[], DecodeCost.Estimate> estimate, Caller caller, MeterRegistry metrics) {
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
        this.estimate = estimate;
        this.caller = caller;
        this.metrics = metrics;
        Gauge.builder("jepa.admission.inside", inside, AtomicInteger::get)
                .description("Scoring requests admitted or waiting for a slot or for memory").register(metrics);
        Gauge.builder("jepa.admission.memory.free", memory, m -> (double) m.availablePermits() * KIB)
                .description("Bytes of the decoding memory budget not held by admitted work").baseUnit("bytes")
                .register(metrics);
        this.abandoned = Counter.builder("jepa.admission.abandoned")
                .description("Requests not started because their caller hung up while they waited").register(metrics);
        LOG.infof("Admission: %d scoring slots, decoding memory budget %d MiB, up to %d waiting, each answered within "
                + "about %d ms", concurrent, budget >> 20, maxQueued, maxWait.toMillis());
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
     * Prior time a request is expected to hold a slot per byte of its body, before its images' headers can be read:
     * 10 ns, from a 19.5 MB PNG of 2550 x 2550 noise that took 0.18 s alone (issue 20). Decoding time grows with stored
     * pixels, not bytes, so this is only the floor an arrival is charged: a request is charged at least the typical
     * request's time.
     */
    static final double BODY_NANOS_PER_BYTE = 10;

    /** Requests whose bodies are being received, each holding a place ({@link #arrive}). */
    private final AtomicInteger arriving = new AtomicInteger();
    /** Sum of the expected slot times of the arrivals, nanoseconds. */
    private final AtomicLong arrivingNanos = new AtomicLong();

    /**
     * A request that may be received: its body is on its way and it holds its expected slot time in the work ahead of
     * later arrivals until its work enters admission or the request ends ({@link #close}, idempotent).
     */
    public final class Arrival implements AutoCloseable {
        private final long arrived = System.nanoTime();
        private final long expected;
        private final java.util.concurrent.atomic.AtomicBoolean open = new java.util.concurrent.atomic.AtomicBoolean(
                true);

        private Arrival(long expected) {
            this.expected = expected;
        }

        /** When the request's headers came ({@link System#nanoTime}). */
        public long arrived() {
            return arrived;
        }

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                arriving.decrementAndGet();
                arrivingNanos.addAndGet(-expected);
            }
        }
    }

    /**
     * Takes an on-demand scoring request from its headers, before its body is read: an {@link Arrival} holding its
     * place, or {@code null} (counted as refused, reason {@code queue_too_long}) when every slot is busy or taken by
     * earlier arrivals and the work ahead (running, queued and arriving requests, per slot) plus its own is expected
     * to take longer than {@code max-wait}. Its own work is the typical request's, or {@link #BODY_NANOS_PER_BYTE}
     * per byte of its {@code bodyBytes} when that is more. Answering such a request from its headers keeps a flood of
     * large bodies out of the heap and answers each within {@code max-wait}.
     */
    public Arrival arrive(long bodyBytes) {
        long expected = Math.max(typical.get(), (long) (Math.max(0, bodyBytes) * BODY_NANOS_PER_BYTE));
        int taken = arriving.incrementAndGet();
        long ahead = arrivingNanos.getAndAdd(expected);
        Arrival arrival = new Arrival(expected);
        if (slots.availablePermits() - (taken - 1) > 0 || workAhead() + ahead / concurrent + expected <= maxWaitNanos) {
            return arrival;
        }
        arrival.close();
        Counter.builder("jepa.admission.rejected").description("Scoring requests answered 503 overloaded, by reason")
                .tag("reason", "queue_too_long").register(metrics).increment();
        return null;
    }

    /**
     * Whether a scoring request arriving now would be refused whatever its images: every slot busy, and the work
     * ahead plus a typical request's (the moving average of recent arrivals) longer than {@code max-wait}. Counted
     * as refused, so the HTTP layer can answer 503 before it buffers the body or takes a worker thread.
     */
    public boolean refusesArrival() {
        if (slots.availablePermits() > 0 || workAhead() + typical.get() <= maxWaitNanos) {
            return false;
        }
        Counter.builder("jepa.admission.rejected").description("Scoring requests answered 503 overloaded, by reason")
                .tag("reason", "queue_too_long").register(metrics).increment();
        return true;
    }

    /** Runs {@code work}, which decodes and scores {@code images} for the default model's input, once admitted. */
    public <T> T admit(List<byte[]> images, Supplier<T> work) {
        return admit(DEFAULT_KIND, images, estimate, work);
    }

    /**
     * Runs {@code work}, which decodes and scores {@code images}, once admitted; {@code kind} names the work (model
     * and mode: requests of one kind take alike per image) and {@code cost} gives each image's decoding cost for the
     * model it is scored with.
     */
    public <T> T admit(String kind, List<byte[]> images, Function<byte[], DecodeCost.Estimate> cost,
            Supplier<T> work) {
        long arrived = caller.admitted(System.nanoTime());
        List<DecodeCost.Estimate> estimates = new ArrayList<>(images.size());
        long bytes = 0;
        for (byte[] image : images) {
            DecodeCost.Estimate e = cost.apply(image);
            estimates.add(e);
            bytes += e.bytes();
        }
        int kib = (int) Math.min(budgetKib, (bytes + KIB - 1) / KIB);
        long expected = times.expected(kind, estimates);
        typical.getAndUpdate(old -> old == 0 ? expected : (long) (old + TYPICAL_WEIGHT * (expected - old)));
        // requests in here: at most `concurrent` running, the rest waiting for a slot or for memory
        if (inside.incrementAndGet() > concurrent + maxQueued) {
            inside.decrementAndGet();
            throw rejected("queue_full", maxQueued + " requests are already waiting to be scored");
        }
        try {
            // a queued request is answered by max-wait: it waits at most what its own work leaves of it
            long deadline = arrived + Math.max(0, maxWaitNanos - expected);
            if (!slots.tryAcquire()) {
                long ahead = workAhead();
                if (ahead + expected > maxWaitNanos - (System.nanoTime() - arrived)) {
                    throw rejected("queue_too_long", waiting.get() + " requests are waiting for " + concurrent
                            + " busy scoring slot(s), about " + ahead / 1_000_000 + " ms of work ahead of this one, "
                            + "which itself needs about " + expected / 1_000_000 + " ms: more than the "
                            + maxWaitNanos / 1_000_000 + " ms within which a request is answered");
                }
                waiting.incrementAndGet();
                queuedNanos.addAndGet(expected);
                try {
                    if (!acquire(slots, 1, deadline)) {
                        throw rejected("no_slot", "no scoring slot came free within "
                                + (deadline - arrived) / 1_000_000 + " ms");
                    }
                } finally {
                    queuedNanos.addAndGet(-expected);
                    waiting.decrementAndGet();
                }
            }
            Running me = new Running(System.nanoTime(), expected);
            running.add(me);
            boolean done = false;
            try {
                if (!acquire(memory, kib, deadline)) {
                    throw rejected("no_memory", "the images need " + (bytes >> 20) + " MiB of decoding memory, "
                            + "which did not come free within " + (deadline - arrived) / 1_000_000 + " ms");
                }
                try {
                    if (caller.gone()) {
                        abandoned.increment();
                        throw new OverloadedException("the caller hung up while the request waited to be scored; "
                                + "it was not started", null);
                    }
                    T result = work.get();
                    done = true;
                    return result;
                } catch (OutOfMemoryError e) {
                    Counter.builder("jepa.admission.out.of.memory")
                            .description("Admitted work that still ran out of heap (answered 503)").register(metrics)
                            .increment();
                    throw OverloadedException.outOfMemory("scoring " + images.size() + " image(s)", e);
                } finally {
                    memory.release(kib);
                }
            } finally {
                running.remove(me);
                slots.release();
                if (done) {
                    times.finished(kind, estimates, System.nanoTime() - me.started());
                }
            }
        } finally {
            inside.decrementAndGet();
        }
    }

    /**
     * Expected time until a newcomer would get a slot: what remains of the running requests' expected times (none
     * for one past its expectation) plus the queued requests' expected times, shared by the slots.
     */
    long workAhead() {
        long now = System.nanoTime();
        long remaining = 0;
        for (Running r : running) {
            remaining += Math.max(0, r.started() + r.expected() - now);
        }
        return workAhead(remaining, queuedNanos.get(), concurrent);
    }

    /** {@code remainingNanos} of running work and {@code queuedNanos} of queued work, spread over the slots. */
    static long workAhead(long remainingNanos, long queuedNanos, int concurrent) {
        return (remainingNanos + queuedNanos) / concurrent;
    }

    /**
     * A request holding a slot since {@code started}, expected to hold it {@code expected} nanoseconds; compared by
     * identity (two requests may start in the same nanosecond with the same expectation).
     */
    private static final class Running {
        private final long started;
        private final long expected;

        Running(long started, long expected) {
            this.started = started;
            this.expected = expected;
        }

        long started() {
            return started;
        }

        long expected() {
            return expected;
        }
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
