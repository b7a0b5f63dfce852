package dev.jepascore.startup;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Start-up: what happens to work that arrives while the model is still loading ({@link StartupWork}). */
@ConfigMapping(prefix = "jepa.startup")
public interface StartupConfig {

    /**
     * Longest a request or storage event that arrives before the model is loaded and warm waits for it; after that
     * it is answered 503 {@code model_loading} with {@code Retry-After} (a storage event: a retriable failure, so the
     * platform redelivers it). The HTTP server listens while the model loads, so the request that woke a scaled-to-zero
     * function is held, not refused, and is answered as soon as the model is ready.
     */
    @WithDefault("30s")
    Duration requestWait();
}
