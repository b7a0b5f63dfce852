package dev.jepascore.testing;

import static io.restassured.RestAssured.given;

import java.time.Duration;

/**
 * The application under test listens before its model is loaded (dev.jepascore.startup.StartupWork): a test of what
 * readiness says once loaded first waits, bounded, for it to turn UP.
 */
public final class Readiness {

    private static final Duration LIMIT = Duration.ofSeconds(120);

    private Readiness() {
    }

    /** Polls {@code /q/health/ready} every 50 ms until it answers 200; fails after {@link #LIMIT}. */
    public static void awaitUp() {
        long deadline = System.nanoTime() + LIMIT.toNanos();
        while (given().when().get("/q/health/ready").statusCode() != 200) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("readiness not UP within " + LIMIT);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for readiness", e);
            }
        }
    }
}
