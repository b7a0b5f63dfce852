package dev.jepascore.admission;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

import io.quarkus.runtime.configuration.MemorySize;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/**
 * Load shedding: how much scoring work is let in at once. Work that cannot start within {@link #maxWait()} is
 * answered with 503 {@code overloaded} and {@code Retry-After} (on demand) or a retriable 503 (storage events, so
 * the platform redelivers), never recorded as a failure of the image.
 */
@ConfigMapping(prefix = "jepa.admission")
public interface AdmissionConfig {

    /**
     * Heap that decoding and preprocessing may hold at once, in bytes ({@code 512M}, {@code 2G}). Each request is
     * charged what its images' headers say their decoding will need ({@code dev.jepascore.image.DecodeCost}) before
     * any pixel is allocated. Unset: half of the maximum heap ({@code -Xmx}), leaving the other half to buffered
     * request bodies, results and the framework. A request that alone costs more than the budget is let in only
     * when nothing else is admitted.
     */
    Optional<MemorySize> memoryBudget();

    /** Requests scored at the same time. Unset: the number of available processors (scoring is CPU-bound). */
    OptionalInt maxConcurrent();

    /**
     * Requests that may wait for a scoring slot or for memory; one more is answered 503 at once. Each waiting
     * request holds one of the HTTP layer's worker threads, so the default is derived from their number: the worker
     * threads ({@code quarkus.thread-pool.max-threads}, by default {@code max(8 x cores, 200)}) less
     * {@code max-concurrent} less 16 kept for health probes and metrics (182 on 2 cores); enough that 64 concurrent
     * clients of small images are queued, not shed.
     */
    OptionalInt maxQueued();

    /**
     * Within how long a request that has to queue is answered, by its result or by 503 {@code overloaded}. Every
     * request is expected, from its images' headers, to hold a slot for a time per image of its model and mode plus a
     * time per stored pixel of its decode path, both learnt from the requests that finished; one that finds every
     * slot busy queues only if the work ahead of it plus its own is expected to end within this, else it is refused
     * at once (on demand, before its body is buffered when even a typical request would not fit); a queued one waits
     * for its slot and memory at most this less its own expected work. A request that finds a slot free starts at
     * once, whatever its size. 800 ms so that an overload is answered within a second with room for the HTTP
     * layer, while on 2 cores a queue of about 60 small requests (8 ms each) fits.
     */
    @WithDefault("800ms")
    Duration maxWait();

    /**
     * Heap that request bodies being received may hold at once, in bytes. The HTTP layer buffers each body before
     * a function sees it; a request is charged its {@code Content-Length} (a chunked one: the largest body
     * allowed) when it starts, and answered 503 {@code overloaded} at once when that does not fit. Unset: a quarter
     * of the maximum heap.
     */
    Optional<MemorySize> bodyBudget();

    /**
     * Longest time a request body may take to arrive in full; a slower one is answered 408
     * {@code request_timeout} and its connection closed, so stalled uploads do not hold memory.
     */
    @WithDefault("30s")
    Duration bodyTimeout();

    /**
     * How long after its headers came an on-demand request refused on arrival (every slot busy and the work queued
     * or arriving ahead longer than {@code max-wait}) gets its 503 {@code overloaded}; {@code 0} answers at once. The
     * wait is a timer, holding no thread, and the body is not read meanwhile. Clients that retry at once, ignoring
     * {@code Retry-After}, otherwise keep the CPU busy on refusals and the admitted work slows past a second:
     * measured on 2 cores with 32 such clients posting a 39.7 MP PNG, answering at once let 40 images be scored in
     * 20 s with results taking up to 1.5 s; 250 ms let 108 be scored, every answer within 0.93 s (README,
     * "Reliability").
     */
    @WithDefault("250ms")
    Duration refusalDelay();

    /** Sent as {@code Retry-After} (whole seconds, at least 1) with every 503. */
    @WithDefault("2s")
    Duration retryAfter();
}
