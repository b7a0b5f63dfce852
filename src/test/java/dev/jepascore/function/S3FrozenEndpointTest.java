package dev.jepascore.function;

import static dev.jepascore.testing.EventTestSupport.png;
import static dev.jepascore.testing.EventTestSupport.post;
import static dev.jepascore.testing.EventTestSupport.md5;
import static dev.jepascore.testing.EventTestSupport.s3Event;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.jepascore.testing.FrozenEndpoint;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;

/**
 * An S3 endpoint that accepts connections and never answers: each call is abandoned after the attempt timeout, the
 * function's own retries are the only ones (the endpoint sees exactly {@code max-attempts} connections per
 * operation), and the event is answered a retriable 503 well inside the platform's request timeout.
 */
@QuarkusTest
@QuarkusTestResource(value = S3FrozenEndpointTest.Frozen.class, restrictToAnnotatedClass = true)
class S3FrozenEndpointTest {

    static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(1);
    static final int ATTEMPTS = 2;
    static final Duration EVENT_BUDGET = Duration.ofSeconds(3);
    private static final String ACCEPTED = "jepa.test.frozen.accepted";

    /** Starts the frozen endpoint and points the application at it. */
    public static class Frozen implements QuarkusTestResourceLifecycleManager {
        private FrozenEndpoint endpoint;

        @Override
        public Map<String, String> start() {
            try {
                endpoint = new FrozenEndpoint();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            Map<String, String> config = new HashMap<>();
            config.put("jepa.storage.kind", "s3");
            config.put("jepa.storage.results-bucket", "jepa-results");
            config.put("jepa.storage.retry.max-attempts", Integer.toString(ATTEMPTS));
            config.put("jepa.storage.retry.initial-backoff", "50ms");
            config.put("jepa.storage.retry.attempt-timeout", ATTEMPT_TIMEOUT.toMillis() + "ms");
            config.put("jepa.storage.retry.event-budget", EVENT_BUDGET.toMillis() + "ms");
            config.put("quarkus.s3.endpoint-override", endpoint.endpoint().toString());
            config.put("quarkus.s3.path-style-access", "true");
            config.put("quarkus.s3.aws.region", "us-east-1");
            config.put("quarkus.s3.aws.credentials.type", "static");
            config.put("quarkus.s3.aws.credentials.static-provider.access-key-id", "frozen");
            config.put("quarkus.s3.aws.credentials.static-provider.secret-access-key", "frozen");
            return config;
        }

        @Override
        public void inject(TestInjector injector) {
            // the test reads the count through a system property: resources and tests use different class loaders
            System.setProperty(ACCEPTED, "0");
            Thread counter = new Thread(() -> {
                while (!Thread.currentThread().isInterrupted()) {
                    System.setProperty(ACCEPTED, Integer.toString(endpoint.accepted()));
                    try {
                        Thread.sleep(20);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "frozen-endpoint-count");
            counter.setDaemon(true);
            counter.start();
        }

        @Override
        public void stop() {
            try {
                endpoint.close();
            } catch (IOException ignored) {
                // loopback socket: nothing to clean up
            }
        }
    }

    @Test
    void frozen_endpoint_answers_a_retriable_503_within_the_budget_with_one_retry_policy() throws Exception {
        byte[] image = png(81);
        // the first call of the S3 client loads its classes (seconds on a busy machine): not what is bounded here
        post("/onObjectCreated", s3Event("uploads", "frozen/warm.png", md5(image), image.length)).statusCode(503);
        Thread.sleep(100);
        int before = Integer.parseInt(System.getProperty(ACCEPTED));

        long start = System.nanoTime();
        post("/onObjectCreated", s3Event("uploads", "frozen/a.png", md5(image), image.length)).statusCode(503)
                .header("Retry-After", equalTo("2"))
                .body("error.code", equalTo("storage_unavailable"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        Duration bound = EVENT_BUDGET.plus(ATTEMPT_TIMEOUT).plusSeconds(2);
        assertTrue(took.compareTo(bound) < 0, "the event took " + took + "; its bound is " + bound);
        Thread.sleep(100);
        assertEquals(ATTEMPTS, Integer.parseInt(System.getProperty(ACCEPTED)) - before,
                "connections made for the first operation: the SDK must not retry on top of our attempts");
    }
}
