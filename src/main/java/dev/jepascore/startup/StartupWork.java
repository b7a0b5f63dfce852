package dev.jepascore.startup;

import dev.jepascore.ErrorCode;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import org.jboss.logging.Logger;

import dev.jepascore.JepaException;
import dev.jepascore.image.ImageDecoder;
import dev.jepascore.score.ScoringService;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.quarkus.scheduler.Scheduler;

/**
 * Start-up, off the main thread: Quarkus opens the HTTP server while the model loads, instead of after it. When the
 * application starts, two threads begin at once: one opens the served models ({@code ServedModels}: ONNX Runtime, the
 * sessions and their zero-input runs) and then the scoring service (the reference set and its Ledoit-Wolf fit), the
 * other the image decoders (libjpeg-turbo, libwebp, ImageIO's plugins). When both are done, the scoring path runs once
 * on real images, through admission ({@link ScoringService#warmUp()}), and the function is ready.
 * <p>
 * Until then readiness is DOWN, and work that arrives waits for it ({@link #awaitReady()}, at most
 * {@code jepa.startup.request-wait}, then 503 {@code model_loading}); it is never scored by a half-open model. A
 * failure (a missing model file, CUDA required but absent, a required decoder missing) logs one line naming the
 * problem and exits the process with status 1, as a failure on the main thread did.
 */
@ApplicationScoped
public class StartupWork {

    private static final Logger LOG = Logger.getLogger(StartupWork.class);

    /**
     * Stack of the start-up threads; as ModelRuntime's loader (creating ONNX Runtime's environment overflowed a
     * default stack in native code when the class path is long). Only touched pages cost memory.
     */
    private static final long STACK_BYTES = 64L << 20;

    private final ScoringService scoring;
    private final ImageDecoder decoder;
    private final StartupConfig config;
    /** Paused before a failed start exits: a scheduled run (the uploads watcher) begun during the exit met no container. */
    private final Scheduler scheduler;
    private final CompletableFuture<Void> ready = new CompletableFuture<>();
    /** Set when the application stops: work still running then fails because of it and is not reported. */
    private volatile boolean stopping;
    /**
     * Completed by the last start-up observer. A failed start exits only after it: an exit asked for while start-up
     * observers still run stops extensions that have not started (the scheduler then failed with a
     * NullPointerException stack after the one-line error).
     */
    private final CompletableFuture<Void> started = new CompletableFuture<>();

    public StartupWork(ScoringService scoring, ImageDecoder decoder, StartupConfig config, Scheduler scheduler) {
        this.scoring = scoring;
        this.decoder = decoder;
        this.config = config;
        this.scheduler = scheduler;
    }

    /** First of the start-up observers, so the threads start before the other start-up beans are created. */
    void start(@Observes @Priority(Interceptor.Priority.PLATFORM_BEFORE) StartupEvent event) {
        long start = System.nanoTime();
        // the client proxies create each bean on first use, on the calling thread
        CompletableFuture<Long> decoders = onThread("jepa-startup-decoders", () -> decoder.decoding("JPEG"));
        CompletableFuture<Long> model = onThread("jepa-startup-model", scoring::ids);
        decoders.thenCombine(model, (decodersMs, modelMs) -> {
            long warmStart = System.nanoTime();
            scoring.warmUp();
            LOG.infof("Ready in %d ms after the start-up event: model and signals %d ms, decoders %d ms in parallel,"
                    + " then the warm-up %d ms", millisSince(start), modelMs, decodersMs, millisSince(warmStart));
            return null;
        }).whenComplete((done, failure) -> {
            if (failure == null) {
                ready.complete(null);
            } else {
                ready.completeExceptionally(failure);
                if (stopping) {
                    LOG.debugf("start-up work ended by the shutdown: %s", failure);
                } else {
                    fail(failure, started, scheduler);
                }
            }
        });
    }

    /** Last of the start-up observers: every extension has started. */
    void started(@Observes @Priority(Integer.MAX_VALUE) StartupEvent event) {
        started.complete(null);
    }

    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    /** Runs {@code work} on a new daemon thread; completes with its duration in ms. */
    private static CompletableFuture<Long> onThread(String name, Runnable work) {
        CompletableFuture<Long> result = new CompletableFuture<>();
        Thread thread = new Thread(null, () -> {
            long start = System.nanoTime();
            try {
                work.run();
                result.complete(millisSince(start));
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, name, STACK_BYTES);
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /** One line naming the problem (the exception closest to it), then exit with status 1 once {@code started}. */
    private static void fail(Throwable failure, CompletableFuture<Void> started, Scheduler scheduler) {
        Throwable cause = rootOf(failure);
        if (cause instanceof JepaException || cause instanceof IllegalArgumentException
                || cause instanceof IllegalStateException) {
            LOG.errorf("Start-up failed: %s", cause.getMessage());
        } else {
            LOG.errorf(cause, "Start-up failed: %s", cause);
        }
        started.thenRun(() -> {
            scheduler.pause();
            Quarkus.asyncExit(1);
        });
    }

    /** The first {@link JepaException} in the cause chain, else the deepest cause. */
    static Throwable rootOf(Throwable failure) {
        Throwable deepest = failure;
        for (Throwable c = failure; c != null; c = c.getCause()) {
            if (c instanceof JepaException) {
                return c;
            }
            deepest = c;
            if (c.getCause() == c) {
                break;
            }
        }
        return deepest;
    }

    private static long millisSince(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    /** True once the model is loaded and the scoring path has run once. */
    public boolean ready() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    /**
     * Returns at once when ready; else waits up to {@code jepa.startup.request-wait}.
     *
     * @throws NotReadyException when the model is still loading after that
     * @throws JepaException     the start-up failure, when start-up failed (the process is exiting)
     */
    public void awaitReady() {
        if (ready()) {
            return;
        }
        try {
            ready.get(config.requestWait().toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw notReadyFailure();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw notReadyFailure();
        } catch (ExecutionException e) {
            throw failed(e.getCause());
        }
    }

    /** Calls {@code then} (on a start-up thread, or at once) when start-up ends: with null, or with its failure. */
    public void whenDone(BiConsumer<Void, Throwable> then) {
        ready.whenComplete(then);
    }

    /** How long work may wait for start-up, in ms ({@code jepa.startup.request-wait}). */
    public long waitMillis() {
        return config.requestWait().toMillis();
    }

    /** What work is answered when its wait for start-up ran out. */
    public NotReadyException notReadyFailure() {
        return new NotReadyException("the model is still loading after " + config.requestWait().toMillis()
                + " ms (jepa.startup.request-wait); retry shortly");
    }

    /** What work that met a failed start-up is answered with: the failure itself when it is one of ours. */
    public static RuntimeException failed(Throwable failure) {
        Throwable cause = rootOf(failure);
        return cause instanceof JepaException jepa ? jepa
                : new StartupFailedException("the function failed to start: " + cause.getMessage(), cause);
    }

    /** Start-up failed for a reason that is not one of ours: 500, the process is exiting. */
    static final class StartupFailedException extends JepaException {
        StartupFailedException(String message, Throwable cause) {
            super(ErrorCode.STARTUP_FAILED, message, cause);
        }
    }
}
