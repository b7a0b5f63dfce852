package dev.jepascore.score;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import dev.jepascore.OverloadedException;
import dev.jepascore.image.DecodeCost;
import dev.jepascore.image.InputSpec;
import dev.jepascore.model.ModelRuntime;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;

/**
 * Lets scoring work in only when a slot and the memory its images need are free, waiting at most
 * {@code jepa.admission.max-wait} in arrival order; otherwise it throws {@link OverloadedException} (503
 * {@code overloaded}). Memory is charged from the images' headers before any pixel is decoded, and an
 * {@link OutOfMemoryError} that still happens inside admitted work is reported the same way, never as a bad image.
 */
@ApplicationScoped
public class Admission {

    private static final Logger LOG = Logger.getLogger(Admission.class);
    /** The memory semaphore counts KiB, so that budgets up to 2 TiB fit its {@code int} permits. */
    private static final int KIB = 1024;

    private final Semaphore slots;
    private final Semaphore memory;
    private final int budgetKib;
    private final int maxQueued;
    private final long maxWaitNanos;
    private final AtomicInteger inside = new AtomicInteger();
    private final int concurrent;
    private final InputSpec spec;
    private final MeterRegistry metrics;

    @Inject
    public Admission(AdmissionConfig config, ModelRuntime model, MeterRegistry metrics) {
        this(config.memoryBudget().map(MemorySize::asLongValue).orElse(Runtime.getRuntime().maxMemory() / 2),
                config.maxConcurrent().orElse(Runtime.getRuntime().availableProcessors()), config.maxQueued(),
                config.maxWait(), model.inputSpec(), metrics);
    }

    /** Explicit limits (see {@link AdmissionConfig} for each); for tools that build the scoring path by hand. */
    public Admission(long budget, int concurrent, int maxQueued, Duration maxWait, InputSpec spec,
            MeterRegistry metrics) {
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
        this.spec = spec;
        this.metrics = metrics;
        Gauge.builder("jepa.admission.inside", inside, AtomicInteger::get)
                .description("Scoring requests admitted or waiting for a slot or for memory").register(metrics);
        Gauge.builder("jepa.admission.memory.free", memory, m -> (double) m.availablePermits() * KIB)
                .description("Bytes of the decoding memory budget not held by admitted work").baseUnit("bytes")
                .register(metrics);
        LOG.infof("Admission: %d scoring slots, decoding memory budget %d MiB, up to %d waiting for at most %d ms",
                concurrent, budget >> 20, maxQueued, maxWait.toMillis());
    }

    /** Runs {@code work}, which decodes and scores {@code images}, once admitted. */
    public <T> T admit(List<byte[]> images, Supplier<T> work) {
        long bytes = 0;
        for (byte[] image : images) {
            DecodeCost.Header header = DecodeCost.peek(image);
            if (header != null) {
                bytes += DecodeCost.bytes(header, spec);
            }
        }
        int kib = (int) Math.min(budgetKib, (bytes + KIB - 1) / KIB);
        // requests in here: at most `concurrent` running, the rest waiting for a slot or for memory
        if (inside.incrementAndGet() > concurrent + maxQueued) {
            inside.decrementAndGet();
            throw rejected("queue_full", maxQueued + " requests are already waiting to be scored");
        }
        try {
            long deadline = System.nanoTime() + maxWaitNanos;
            if (!acquire(slots, 1, deadline)) {
                throw rejected("no_slot", "no scoring slot came free within " + maxWaitNanos / 1_000_000 + " ms");
            }
            try {
                if (!acquire(memory, kib, deadline)) {
                    throw rejected("no_memory", "the images need " + (bytes >> 20) + " MiB of decoding memory, "
                            + "which did not come free within " + maxWaitNanos / 1_000_000 + " ms");
                }
                try {
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
            }
        } finally {
            inside.decrementAndGet();
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
