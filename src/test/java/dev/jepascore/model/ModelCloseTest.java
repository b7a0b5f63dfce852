package dev.jepascore.model;

import dev.jepascore.ErrorCode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

/**
 * Closing a model while another thread runs it (a start-up that fails while the warm-up runs, a shutdown during a
 * request) waits for the run in progress instead of freeing native memory under it, which killed the process with
 * SIGSEGV; runs after the close fail with {@code model_closed}.
 */
class ModelCloseTest {

    private static final Path MODELS = Path.of("models");

    @Test
    void closing_a_model_during_runs_waits_for_them_and_refuses_later_runs() throws Exception {
        ModelRuntime runtime = ModelRuntime.open(ModelRuntimeTest.config(MODELS, "fmnist-lejepa",
                ModelConfig.Provider.CPU));
        int size = runtime.inputSpec().size();
        float[] pixels = new float[16 * size];
        AtomicInteger runs = new AtomicInteger();
        CompletableFuture<ModelException> stopped = CompletableFuture.supplyAsync(() -> {
            while (true) {
                try {
                    runtime.score(pixels, 16);
                    runtime.embed(pixels, 16);
                    runs.incrementAndGet();
                } catch (ModelException e) {
                    return e;
                }
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (runs.get() < 3) {
            assertTrue(System.nanoTime() < deadline, "the model never ran");
            Thread.sleep(1);
        }
        runtime.close();
        ModelException e = stopped.get(60, TimeUnit.SECONDS);
        assertEquals(ErrorCode.MODEL_CLOSED, e.code(), e.getMessage());
        assertTrue(runs.get() >= 3);
    }
}
