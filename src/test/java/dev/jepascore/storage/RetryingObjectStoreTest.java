package dev.jepascore.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.jepascore.JepaException.Kind;

class RetryingObjectStoreTest {

    /** Fails {@code failures} times with the given exception, then answers. */
    static final class Flaky implements ObjectStore {
        final AtomicInteger calls = new AtomicInteger();
        final int failures;
        final StorageException failure;

        Flaky(int failures, StorageException failure) {
            this.failures = failures;
            this.failure = failure;
        }

        private void maybeFail() {
            if (calls.incrementAndGet() <= failures) {
                throw failure;
            }
        }

        @Override
        public ObjectInfo head(String bucket, String key) {
            maybeFail();
            return new ObjectInfo(1, "t", null);
        }

        @Override
        public StoredObject get(String bucket, String key, long maxBytes) {
            maybeFail();
            return new StoredObject(new byte[1], "t", null);
        }

        @Override
        public void put(String bucket, String key, byte[] content, String contentType) {
            maybeFail();
        }

        @Override
        public boolean exists(String bucket, String key) {
            maybeFail();
            return true;
        }

        @Override
        public ObjectPage list(String bucket, String prefix, String from, int pageSize) {
            maybeFail();
            return new ObjectPage(java.util.List.of(new ObjectPage.Listed(prefix + "a", "t", 1)), null);
        }
    }

    private static final StorageException OUTAGE = StorageException.unavailable("get", "b", "k",
            new java.net.ConnectException("Connection refused"));

    private static RetryingObjectStore retrying(ObjectStore delegate) {
        return new RetryingObjectStore(delegate, 3, Duration.ofMillis(1), Duration.ofMillis(2));
    }

    @Test
    void transient_failure_is_retried_until_it_passes() {
        Flaky flaky = new Flaky(2, OUTAGE);
        assertEquals("t", retrying(flaky).get("b", "k", 10).versionTag());
        assertEquals(3, flaky.calls.get());
    }

    @Test
    void persistent_outage_gives_up_after_max_attempts_as_unavailable() {
        Flaky flaky = new Flaky(100, OUTAGE);
        StorageException e = assertThrows(StorageException.class, () -> retrying(flaky).put("b", "k", new byte[0], null));
        assertSame(OUTAGE, e);
        assertTrue(e.kind().retriable());
        assertEquals(3, flaky.calls.get());
    }

    @Test
    void not_found_is_not_retried() {
        Flaky flaky = new Flaky(100, StorageException.notFound("b", "k", null));
        StorageException e = assertThrows(StorageException.class, () -> retrying(flaky).head("b", "k"));
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertEquals(1, flaky.calls.get());
    }

    @Test
    void backoff_doubles_and_is_capped() {
        Duration initial = Duration.ofMillis(200);
        Duration max = Duration.ofSeconds(2);
        assertEquals(200, RetryingObjectStore.backoff(1, initial, max).toMillis());
        assertEquals(400, RetryingObjectStore.backoff(2, initial, max).toMillis());
        assertEquals(800, RetryingObjectStore.backoff(3, initial, max).toMillis());
        assertEquals(2000, RetryingObjectStore.backoff(5, initial, max).toMillis());
        assertEquals(2000, RetryingObjectStore.backoff(60, initial, max).toMillis());
    }
}
